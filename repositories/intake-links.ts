/**
 * S-2.9(d), (e): who helped with an application besides its filer, linked at intake so that the assignment can
 * prefer them (turn kept): the duty officer whose 12348 / online call guided the applicant here or transferred the
 * application (S-2.7), and the village legal advisor (村居法律顾问) of the service point whose agent filed it.
 */
import type { PrismaClient } from '../prisma/generated/client';

export function createIntakeLinks({ prisma }: { prisma: PrismaClient }) {
  return {
    /** The officer who answered the call, when the call is the agency's and ended guided or transferred. */
    async callOfficer(callId: string, agencyCode: string): Promise<string | null> {
      const call = await prisma.hotlineCall.findUnique({
        where: { id: callId },
        select: { agencyCode: true, outcome: true, answeredBy: true },
      });
      if (!call || call.agencyCode !== agencyCode || !call.answeredBy) return null;
      return call.outcome === 'guided' || call.outcome === 'transferred' ? call.answeredBy : null;
    },

    /** The advisor of the agent's service point; none when the agent serves no point or points with several. */
    async pointAdvisor(agentId: string): Promise<string | null> {
      const points = await prisma.servicePointPerson.findMany({
        where: { personId: agentId, role: 'agent' },
        select: { servicePointId: true },
      });
      if (points.length === 0) return null;
      const advisors = await prisma.servicePointPerson.findMany({
        where: { servicePointId: { in: points.map((p) => p.servicePointId) }, role: 'advisor' },
        select: { personId: true },
      });
      const ids = [...new Set(advisors.map((a) => a.personId))];
      return ids.length === 1 ? ids[0]! : null;
    },
  };
}
