/** Contract of the codec routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const codecRoutes = {} satisfies Record<string, RouteSpec>;
