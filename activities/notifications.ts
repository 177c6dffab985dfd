import type { Prisma, PrismaClient } from '../prisma/generated/client';
import type { Mailer } from '../platform/mail';
import type { SmsGateway } from '../platform/sms';

export interface NoticeRequest {
  applicationNo: string;
  /** What the notice is about; with the channel, unique per application (see the `notification` table). */
  obligationKey: string;
  template: string;
  body: string;
  /**
   * Absent or `applicant`: the applicant. `complainant:<id>`: a named complainant (L-13), whose complaint's contact
   * gets it by SMS too. Otherwise staff or an organ (`agency_head:YC`): in-app inbox only.
   */
  recipient?: string;
}

const COMPLAINANT = 'complainant:';
const toApplicant = (n: { recipient?: string | null }) => !n.recipient || n.recipient === 'applicant';
const complaintOf = (n: { recipient?: string | null }) =>
  n.recipient?.startsWith(COMPLAINANT) ? n.recipient.slice(COMPLAINANT.length) : undefined;

/** The person a notice is for, as far as phone and e-mail go: the applicant's record or the complainant's. */
async function contactOf(
  db: Pick<Prisma.TransactionClient, 'application' | 'complaint'>,
  n: { applicationNo: string; recipient?: string | null },
): Promise<unknown> {
  if (toApplicant(n)) {
    const app = await db.application.findUnique({
      where: { applicationNo: n.applicationNo },
      select: { applicant: true },
    });
    return app?.applicant;
  }
  const complaintId = complaintOf(n);
  if (complaintId === undefined) return undefined;
  const row = await db.complaint.findUnique({ where: { id: complaintId }, select: { complainant: true } });
  return row?.complainant;
}

function applicantField(applicant: unknown, field: 'phone' | 'email'): string | undefined {
  const value = (applicant as Record<string, unknown> | null)?.[field];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
const applicantPhone = (applicant: unknown) => applicantField(applicant, 'phone');
const applicantEmail = (applicant: unknown) => applicantField(applicant, 'email');

/** What a notice needs to know about the gateways: which are configured. */
export interface NoticeChannels {
  sms?: SmsGateway;
  mail?: Mailer;
}

/**
 * Queues notices inside the caller's transaction (one per channel, idempotent by application, obligation and
 * channel). The in-app inbox is the row itself, so an inbox row is sent as it is written; the ids of rows for the
 * applicant's phone or e-mail are answered, for `deliverNotices`.
 */
export async function queueNoticesTx(
  tx: Prisma.TransactionClient,
  notices: NoticeRequest[],
  { sms, mail }: NoticeChannels,
): Promise<string[]> {
  if (notices.length === 0) return [];
  const caseNos = [...new Set(notices.filter(toApplicant).map((n) => n.applicationNo))];
  const complaintIds = [...new Set(notices.map(complaintOf).filter((id): id is string => id !== undefined))];
  const [apps, complaints] = await Promise.all([
    caseNos.length
      ? tx.application.findMany({
          where: { applicationNo: { in: caseNos } },
          select: { applicationNo: true, applicant: true },
        })
      : [],
    complaintIds.length
      ? tx.complaint.findMany({ where: { id: { in: complaintIds } }, select: { id: true, complainant: true } })
      : [],
  ]);
  const applicantOf = new Map(apps.map((a) => [a.applicationNo, a.applicant]));
  const complainantOf = new Map(complaints.map((c) => [c.id, c.complainant]));
  const now = new Date();
  const rows = notices.flatMap((n) => {
    const complaintId = complaintOf(n);
    const person = toApplicant(n)
      ? applicantOf.get(n.applicationNo)
      : complaintId !== undefined
        ? complainantOf.get(complaintId)
        : undefined;
    const external =
      person === undefined
        ? []
        : [...(sms && applicantPhone(person) ? ['sms'] : []), ...(mail && applicantEmail(person) ? ['email'] : [])];
    return [
      { ...n, channel: 'inbox', status: 'sent', sentAt: now, attempts: 1 },
      ...external.map((channel) => ({ ...n, channel })),
    ];
  });
  await tx.notification.createMany({ data: rows, skipDuplicates: true });
  const external = rows.filter((r) => r.channel !== 'inbox');
  if (external.length === 0) return [];
  const pending = await tx.notification.findMany({
    where: {
      status: 'pending',
      channel: { not: 'inbox' },
      OR: external.map((r) => ({ applicationNo: r.applicationNo, obligationKey: r.obligationKey, channel: r.channel })),
    },
    select: { id: true },
  });
  return pending.map((row) => row.id.toString());
}

/**
 * Notification outbox (通知): `queueNotice` writes one row per channel (in-app inbox always; SMS when a gateway is
 * configured and the applicant gave a phone number) and is idempotent by (application, obligation, channel), so a
 * retried activity or a replayed workflow never queues a notice twice. `deliverNotice` sends one row through its
 * adapter and marks it sent; a row already sent is not sent again.
 *
 * Plain functions, not activities: workflows queue notices inside the activity that records their change
 * (`queueNoticesTx`) and send them with the `deliverNotices` activity below.
 */
export function createNoticeOutbox({ prisma, sms, mail }: { prisma: PrismaClient; sms?: SmsGateway; mail?: Mailer }) {
  return {
    async queueNotice(notice: NoticeRequest): Promise<string[]> {
      const app = await prisma.application.findUnique({
        where: { applicationNo: notice.applicationNo },
        select: { applicant: true },
      });
      const toApplicant = !notice.recipient || notice.recipient === 'applicant';
      const channels = !toApplicant
        ? ['inbox']
        : [
            'inbox',
            ...(sms && applicantPhone(app?.applicant) ? ['sms'] : []),
            ...(mail && applicantEmail(app?.applicant) ? ['email'] : []),
          ];
      await prisma.notification.createMany({
        data: channels.map((channel) => ({ ...notice, channel })),
        skipDuplicates: true,
      });
      const rows = await prisma.notification.findMany({
        where: { applicationNo: notice.applicationNo, obligationKey: notice.obligationKey, status: 'pending' },
        select: { id: true },
      });
      return rows.map((row) => row.id.toString());
    },

    async deliverNotice({ id }: { id: string }): Promise<void> {
      await deliverNotice(id);
    },
  };

  async function deliverNotice(id: string): Promise<void> {
    const row = await prisma.notification.findUnique({ where: { id: BigInt(id) } });
    if (!row || row.status === 'sent') return;
    try {
      if (row.channel === 'sms') {
        if (!sms) throw new Error('no SMS gateway configured');
        const to = applicantPhone(await contactOf(prisma, row));
        if (!to) throw new Error('the recipient has no phone number');
        await sms.send({ to, content: row.body, idempotencyKey: `notice-${id}` });
      }
      if (row.channel === 'email') {
        if (!mail) throw new Error('no mail server configured');
        const to = applicantEmail(await contactOf(prisma, row));
        if (!to) throw new Error('the recipient has no e-mail address');
        const subject = complaintOf(row)
          ? `法律援助投诉处理通知（投诉编号 ${row.applicationNo}）`
          : `法律援助通知（申请编号 ${row.applicationNo}）`;
        await mail.send({ to, subject, text: row.body, idempotencyKey: `notice-${id}` });
      }
      // The in-app inbox is the row itself: marking it sent makes it visible to the applicant.
      await prisma.notification.update({
        where: { id: row.id },
        data: { status: 'sent', sentAt: new Date(), attempts: { increment: 1 }, lastError: null },
      });
    } catch (err) {
      await prisma.notification.update({
        where: { id: row.id },
        data: { attempts: { increment: 1 }, lastError: (err as Error).message.slice(0, 500) },
      });
      throw err;
    }
  }
}

/** The activity workflows call to send what they queued. */
export function createNotificationActivities({
  prisma,
  sms,
  mail,
}: {
  prisma: PrismaClient;
  sms?: SmsGateway;
  mail?: Mailer;
}) {
  const outbox = createNoticeOutbox({ prisma, sms, mail });
  return {
    /** Delivers queued notices one after another; a failure is retried (rows already sent are not sent again). */
    async deliverNotices({ ids }: { ids: string[] }): Promise<void> {
      for (const id of ids) await outbox.deliverNotice({ id });
    },
  };
}
