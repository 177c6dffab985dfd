/** Contract of the performance routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const performanceRoutes = {} satisfies Record<string, RouteSpec>;
