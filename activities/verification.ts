import type { PrismaClient } from '../prisma/generated/client';
import type { CreditRating, CreditService } from '../platform/credit';

/**
 * S-3.1 credit lookup for an application: the personal data is read here, from the stored record, and sent only to
 * the credit service; the workflow sees the rating alone.
 */
export function createVerificationActivities({ prisma, credit }: { prisma: PrismaClient; credit?: CreditService }) {
  return {
    async lookupCredit({
      applicationNo,
      requestId,
    }: {
      applicationNo: string;
      requestId: string;
    }): Promise<CreditRating | 'unavailable'> {
      if (!credit) return 'unavailable';
      const app = await prisma.application.findUniqueOrThrow({ where: { applicationNo }, select: { applicant: true } });
      const applicant = app.applicant as { idNumber: string; name: string };
      return credit.lookup({ idNumber: applicant.idNumber, name: applicant.name, requestId });
    },
  };
}
