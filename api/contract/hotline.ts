/** Contract of the hotline routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const hotlineRoutes = {} satisfies Record<string, RouteSpec>;
