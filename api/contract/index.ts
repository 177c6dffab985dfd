/**
 * The whole API contract: every route of every area, declared once (api/contract/route.ts). The app mounts exactly
 * these (api/mount.ts, checked by test/api/contract.test.ts) and the OpenAPI document is generated from them.
 */
import type { RouteSpec } from './route';
import { applicationRoutes } from './applications';
import { performanceRoutes } from './performance';
import { historyRoutes } from './history';
import { photoRoutes } from './photos';
import { correctionItemRoutes } from './correction-items';
import { poolRoutes } from './pool';
import { qualityRoutes } from './quality';
import { financeRoutes } from './finance';
import { villageRoutes } from './village';
import { hotlineRoutes } from './hotline';
import { complaintRoutes } from './complaints';
import { publicRoutes } from './public';
import { codecRoutes } from './codec';
import { auditRoutes } from './audit';
import { stuckRoutes } from './stuck';
import { operationsRoutes } from './operations';
import { systemRoutes } from './system';
import { calendarRoutes } from './calendar';

export const CONTRACT = {
  applications: applicationRoutes,
  performance: performanceRoutes,
  history: historyRoutes,
  photos: photoRoutes,
  correctionItems: correctionItemRoutes,
  pool: poolRoutes,
  quality: qualityRoutes,
  finance: financeRoutes,
  village: villageRoutes,
  hotline: hotlineRoutes,
  complaints: complaintRoutes,
  public: publicRoutes,
  codec: codecRoutes,
  audit: auditRoutes,
  stuck: stuckRoutes,
  operations: operationsRoutes,
  calendar: calendarRoutes,
  system: systemRoutes,
} as const;

/** A route with its operation id (`<area>.<name>`), in the document's order. */
export type ContractRoute = RouteSpec & { operationId: string };

export const ROUTES: readonly ContractRoute[] = Object.entries(CONTRACT).flatMap(([area, routes]) =>
  Object.entries(routes as Record<string, RouteSpec>).map(([name, spec]) => ({
    ...spec,
    operationId: `${area}.${name}`,
  })),
);

export { pathOf, type RouteSpec } from './route';
