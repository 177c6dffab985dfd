/** Contract of the operations routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const operationsRoutes = {} satisfies Record<string, RouteSpec>;
