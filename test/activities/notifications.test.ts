/** The notification outbox and the SMS adapter, against the real PostgreSQL and a local fake SMS gateway. */
import { createActivities, withSafeErrors } from '../../activities';
import { createNoticeOutbox, queueNoticesTx } from '../../activities/notifications';
import type { ApplicationState } from '../../domain/definitions';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { smtpMailer } from '../../platform/mail';
import { httpSmsGateway } from '../../platform/sms';
import type { PrismaClient } from '../../prisma/generated/client';
import { applicationInput, testPrisma } from '../support/context';
import { startFakeSmsGateway } from '../support/fake-sms-gateway';
import { openRecord } from '../support/records';

let prisma: PrismaClient;
beforeAll(() => {
  prisma = testPrisma();
});
afterAll(() => prisma.$disconnect());

/** The outbox's functions, their errors made safe as the worker makes its activities' (activities/index.ts). */
const outboxOf = (deps: Parameters<typeof createNoticeOutbox>[0]) => withSafeErrors(createNoticeOutbox(deps));

/** A recorded application whose applicant gave these contact details. */
async function recordedApplication(contact: { phone?: string; email?: string } = {}) {
  const input = applicationInput({ applicant: { name: '测试', idNumber: '11010519491231002X', ...contact } });
  const state: ApplicationState = {
    applicationNo: input.applicationNo,
    agencyCode: 'KQ',
    channel: 'walk_in',
    stage: 'received',
    stageEnteredAt: input.receivedAt,
    seq: 1,
    materialsSupplied: [],
    materialsMissing: [],
  };
  await openRecord(createActivities({ prisma }), input, state);
  return input.applicationNo;
}

test('S-3.2 a notice is queued once per obligation and channel, however often the activity runs', async () => {
  const gateway = await startFakeSmsGateway();
  try {
    const acts = outboxOf({ prisma, sms: httpSmsGateway({ url: gateway.url, apiKey: 'k' }) });
    const applicationNo = await recordedApplication({ phone: '13800001111' });
    const notice = { applicationNo, obligationKey: 'correction-notice', template: 'correction_notice', body: '请补正' };
    const first = await acts.queueNotice(notice);
    const again = await acts.queueNotice(notice);
    expect(first).toHaveLength(2); // inbox + sms
    expect(again.sort()).toEqual(first.sort());
    for (const id of [...first, ...first]) await acts.deliverNotice({ id });
    const rows = await prisma.notification.findMany({ where: { applicationNo } });
    expect(rows.map((r) => [r.channel, r.status]).sort()).toEqual([
      ['inbox', 'sent'],
      ['sms', 'sent'],
    ]);
    expect(gateway.received).toEqual([
      {
        to: '13800001111',
        content: '请补正',
        idempotencyKey: `notice-${rows.find((r) => r.channel === 'sms')!.id}`,
        authorization: 'Bearer k',
      },
    ]);
    // Once sent, the pending list is empty: a late retry of queueNotice delivers nothing.
    expect(await acts.queueNotice(notice)).toEqual([]);
  } finally {
    await gateway.close();
  }
});

test('a gateway failure is recorded without personal data and retried; the retry sends once', async () => {
  const gateway = await startFakeSmsGateway({ failFirst: 1 });
  try {
    const acts = outboxOf({ prisma, sms: httpSmsGateway({ url: gateway.url }) });
    const applicationNo = await recordedApplication({ phone: '13800002222' });
    const ids = await acts.queueNotice({ applicationNo, obligationKey: 'k1', template: 't', body: '提醒' });
    const smsId = (
      await prisma.notification.findFirstOrThrow({ where: { applicationNo, channel: 'sms' } })
    ).id.toString();
    await expect(acts.deliverNotice({ id: smsId })).rejects.toThrow(/deliverNotice failed/);
    const failed = await prisma.notification.findUniqueOrThrow({ where: { id: BigInt(smsId) } });
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: 'SMS gateway answered HTTP 503' });
    for (const id of ids) await acts.deliverNotice({ id });
    expect(gateway.received).toHaveLength(1);
  } finally {
    await gateway.close();
  }
});

test('without a gateway or a phone number, notices go to the in-app inbox only', async () => {
  const acts = outboxOf({ prisma });
  const applicationNo = await recordedApplication();
  const ids = await acts.queueNotice({ applicationNo, obligationKey: 'k2', template: 't', body: '通知' });
  expect(ids).toHaveLength(1);
  expect((await prisma.notification.findMany({ where: { applicationNo } })).map((r) => r.channel)).toEqual(['inbox']);
});

test('e-mail notices go through SMTP (nodemailer) to a local SMTP server, once per obligation', async () => {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push(raw);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  try {
    const acts = outboxOf({
      prisma,
      mail: smtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'aid@legal-aid.local' }),
    });
    const applicationNo = await recordedApplication({ email: 'applicant@example.cn' });
    const notice = {
      applicationNo,
      obligationKey: 'k-mail',
      template: 't',
      body: '请于期限内补正材料',
    };
    const ids = await acts.queueNotice(notice);
    expect(ids).toHaveLength(2); // inbox + email
    for (const id of [...ids, ...ids]) await acts.deliverNotice({ id });
    expect(received).toHaveLength(1);
    expect(received[0]).toContain('applicant@example.cn');
    const rows = await prisma.notification.findMany({ where: { applicationNo } });
    expect(rows.map((r) => [r.channel, r.status]).sort()).toEqual([
      ['email', 'sent'],
      ['inbox', 'sent'],
    ]);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('L-13 a named complainant is told by SMS too, at the phone given with the complaint; others only in the inbox', async () => {
  const gateway = await startFakeSmsGateway();
  try {
    const sms = httpSmsGateway({ url: gateway.url, apiKey: 'k' });
    const id = `TS-${Date.now()}${Math.floor(Math.random() * 1e6)}`.slice(0, 32);
    const now = new Date();
    await prisma.complaint.create({
      data: {
        id,
        idempotencyKey: `k-${id}`,
        requestHash: '0'.repeat(64),
        agencyCode: 'KQ',
        channel: 'window',
        complainantKind: 'applicant',
        anonymous: false,
        complainant: { name: '投诉人', phone: '13900002222' },
        details: { facts: '承办律师长期不联系' },
        respondentKind: 'member',
        respondentId: 'kq-m1',
        ground: 'neglect',
        filedBy: 'staff-1',
        filedByRole: 'agency_staff',
        status: 'received',
        receivedAt: now,
        acceptDueAt: now,
      },
    });
    const notice = { applicationNo: id, template: 'complaint_result', body: '投诉处理结果' };
    const ids = await prisma.$transaction((tx) =>
      queueNoticesTx(
        tx,
        [
          { ...notice, obligationKey: 'result', recipient: `complainant:${id}` },
          { ...notice, obligationKey: 'to-staff', recipient: 'agency_head:KQ' },
        ],
        { sms },
      ),
    );
    expect(ids).toHaveLength(1);
    await outboxOf({ prisma, sms }).deliverNotice({ id: ids[0]! });
    expect(gateway.received.map((r) => [r.to, r.content])).toEqual([['13900002222', '投诉处理结果']]);
    const rows = await prisma.notification.findMany({ where: { applicationNo: id } });
    expect(rows.map((r) => [r.obligationKey, r.channel]).sort()).toEqual([
      ['result', 'inbox'],
      ['result', 'sms'],
      ['to-staff', 'inbox'],
    ]);
  } finally {
    await gateway.close();
  }
});
