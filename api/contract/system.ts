/** Contract of the system routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const systemRoutes = {} satisfies Record<string, RouteSpec>;
