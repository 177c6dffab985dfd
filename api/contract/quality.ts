/** Contract of the quality routes (api/contract/route.ts). */
import type { RouteSpec } from './route';

export const qualityRoutes = {} satisfies Record<string, RouteSpec>;
