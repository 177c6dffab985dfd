/** Contract of the village routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const villageRoutes = {} satisfies Record<string, RouteSpec>;
