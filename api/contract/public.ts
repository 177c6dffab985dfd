/** Contract of the public routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const publicRoutes = {} satisfies Record<string, RouteSpec>;
