/** Contract of the photos routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const photoRoutes = {} satisfies Record<string, RouteSpec>;
