/**
 * What "nothing lost, nothing twice" means after a chaos run, read from PostgreSQL and Temporal:
 * every case closed (stored record and both workflows completed), exactly one payout line per case with the
 * expected amount, no notice twice for one obligation, the rotation ledger without gap or duplicate and every turn
 * accounted for, every hotline deadline timer fired exactly once.
 */
import { applicationWorkflowId, evaluationWorkflowId, hotlineCallWorkflowId } from '../../domain/definitions';
import type { ChaosStack } from './harness';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

async function workflowStatus(stack: ChaosStack, workflowId: string): Promise<string> {
  try {
    return (await stack.client.workflow.getHandle(workflowId).describe()).status.name;
  } catch {
    return 'NOT_FOUND';
  }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

export async function checkInvariants(
  stack: ChaosStack,
  expected: { cases: number; applicationNos: string[]; callIds: string[] },
): Promise<Check[]> {
  const { prisma } = stack;
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

  // Every case reached its end: closed in PostgreSQL, both workflows completed in Temporal.
  const nos = expected.applicationNos;
  add('every case driven to the end', nos.length === expected.cases, `${nos.length} / ${expected.cases}`);
  const apps = await prisma.application.findMany({ select: { applicationNo: true, stage: true } });
  const closed = apps.filter((a) => a.stage === 'closed').length;
  add(
    'every case closed in PostgreSQL',
    closed === expected.cases && apps.length === expected.cases,
    `${closed} closed of ${apps.length} stored`,
  );
  const statuses = await mapLimit(nos, 8, async (no) => [
    await workflowStatus(stack, applicationWorkflowId(no)),
    await workflowStatus(stack, evaluationWorkflowId(no)),
  ]);
  const completed = statuses.filter(([a, e]) => a === 'COMPLETED' && e === 'COMPLETED').length;
  add(
    'every case and evaluation workflow completed in Temporal',
    completed === nos.length,
    `${completed} / ${nos.length}`,
  );

  // Payout: exactly one line per case, the expected amount (score 80 = the tier's coefficient x base fee), no twin.
  const lines = await prisma.payoutLine.findMany({ select: { applicationNo: true, kind: true, amountCents: true } });
  const perCase = new Map<string, number>();
  for (const l of lines) perCase.set(l.applicationNo, (perCase.get(l.applicationNo) ?? 0) + 1);
  const twice = [...perCase.values()].filter((n) => n > 1).length;
  const amounts = new Set(lines.map((l) => l.amountCents));
  add(
    'one payout line per case, none duplicated',
    lines.length === expected.cases && perCase.size === expected.cases && twice === 0,
    `${lines.length} lines for ${perCase.size} cases, ${twice} cases with more than one; amounts ${[...amounts].join(', ')}`,
  );

  // Notices: never two for one obligation (application, obligation, recipient, channel), and each case got its
  // correction notice exactly once.
  const notices = await prisma.notification.findMany({
    select: { applicationNo: true, obligationKey: true, recipient: true, channel: true },
  });
  const seen = new Map<string, number>();
  for (const n of notices) {
    const k = `${n.applicationNo}|${n.obligationKey}|${n.recipient}|${n.channel}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const dupNotices = [...seen.values()].filter((n) => n > 1).length;
  const correction = notices.filter((n) => n.obligationKey === 'correction-notice' && n.channel === 'inbox').length;
  add(
    'no notice sent twice for the same obligation',
    dupNotices === 0 && correction === expected.cases,
    `${notices.length} notices, ${dupNotices} duplicated; correction notices ${correction} / ${expected.cases}`,
  );

  // Rotation: the ledger 1..n without gap or twin, one assignment pick per case, turns used = picks confirmed.
  const ledger = await prisma.rotationLedger.findMany({
    select: { seq: true, applicationNo: true, purpose: true, turn: true },
  });
  const seqs = ledger.map((l) => l.seq).sort((a, b) => a - b);
  const contiguous = seqs.every((s, i) => s === i + 1);
  const picks = ledger.filter((l) => l.purpose.startsWith('assignment-'));
  const pickedCases = new Set(picks.map((p) => p.applicationNo)).size;
  const members = await prisma.poolMember.findMany({ select: { turns: true } });
  const turns = members.map((m) => m.turns);
  const turnSum = turns.reduce((a, b) => a + b, 0);
  const spread = Math.max(...turns) - Math.min(...turns);
  add(
    'no rotation turn double-used or lost',
    contiguous &&
      picks.length === expected.cases &&
      pickedCases === expected.cases &&
      turnSum === expected.cases &&
      spread <= 1,
    `ledger ${seqs.length} rows 1..${seqs.at(-1) ?? 0}${contiguous ? ' without gaps' : ' WITH GAPS'}; ${picks.length} assignment picks for ${pickedCases} cases; turns used ${turnSum}, spread ${spread}`,
  );

  // Timers: every hotline call's answer deadline fired once (breach recorded, one notice to the duty supervisor).
  if (expected.callIds.length) {
    const calls = await prisma.hotlineCall.findMany({ select: { id: true, breached: true } });
    const breached = calls.filter((c) => c.breached).length;
    const breachNotices = notices.filter((n) => n.obligationKey === 'hotline-breach').length;
    add(
      'every pending deadline timer fired, once',
      breached === expected.callIds.length && breachNotices === expected.callIds.length,
      `${breached} / ${expected.callIds.length} answer deadlines fired; ${breachNotices} breach notices`,
    );
    const open = (await mapLimit(expected.callIds, 8, (id) => workflowStatus(stack, hotlineCallWorkflowId(id)))).filter(
      (s) => s !== 'RUNNING',
    ).length;
    add('every call workflow still open after its deadline (answerable)', open === 0, `${open} not running`);
  }
  return checks;
}

export function printChecks(checks: Check[]): boolean {
  for (const c of checks) console.log(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
  return checks.every((c) => c.ok);
}
