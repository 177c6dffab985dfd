/** Contract of the pool routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const poolRoutes = {} satisfies Record<string, RouteSpec>;
