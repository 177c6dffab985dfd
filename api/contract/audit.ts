/** Contract of the audit routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const auditRoutes = {} satisfies Record<string, RouteSpec>;
