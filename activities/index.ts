import type { PrismaClient } from '../prisma/generated/client';
import { createApplicationRecords } from './application-records';

export interface ActivityDeps {
  prisma: PrismaClient;
}

/** All activities, built once per worker over injected dependencies. Workflows import this file as a type only. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createApplicationRecords(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
