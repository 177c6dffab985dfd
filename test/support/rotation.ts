/**
 * One S-2.9 rotation pick for a case and purpose, outside any workflow: the same locked pick the assignment's
 * `pickForCase` makes (activities/rotation.ts), for tests that need turns and ledger entries without running a case.
 */
import { pickLocked, type RotationPick } from '../../activities/rotation';
import type { PickRequest, RotationConfig } from '../../domain/rotation';
import type { PrismaClient } from '../../prisma/generated/client';
import { lockAgency } from '../../repositories/pool';

export function createRotationPicker({ prisma, config }: { prisma: PrismaClient; config?: RotationConfig }) {
  return {
    async assignByRotation(args: {
      agencyCode: string;
      applicationNo: string;
      purpose: string;
      request: PickRequest;
    }): Promise<RotationPick> {
      // Picks of one agency queue behind its lock.
      return prisma.$transaction(
        async (tx) => {
          await lockAgency(tx, args.agencyCode);
          return pickLocked(tx, args, config);
        },
        { maxWait: 60_000, timeout: 60_000 },
      );
    },
  };
}
