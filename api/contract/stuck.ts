/** Contract of the stuck routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const stuckRoutes = {} satisfies Record<string, RouteSpec>;
