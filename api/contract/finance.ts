/** Contract of the finance routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const financeRoutes = {} satisfies Record<string, RouteSpec>;
