/** Contract of the history routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const historyRoutes = {} satisfies Record<string, RouteSpec>;
