/**
 * Issue 9 with issue 8's read model, in a real browser: a manager finds the stuck cases on the board, most overdue
 * first, filters them, opens one, and sees the SLA and workload charts. Two real cases (filed through the API, their
 * obligations written by the real workflows); the board's clock is 20 days ahead (AppDeps.now), so the L-1 decision
 * (7 days) is overdue by 13 days and the S-3.2 documents (15 days) by 5 (fewer when a last day moves off a rest
 * day): the decision comes first. Agency 新昌 (XC).
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { Role } from '../../api/auth/access';
import { eventually, startApi } from '../support/api-harness';
import { residentIdNumber, tokenFor } from '../support/context';
import { ensureConsoleBuilt, launchBrowser, screenshot, signIn, until } from './browser';

// Many browser steps on a machine whose two cores the rest of the suite shares.
jest.setTimeout(300_000);
const DAY = 86_400_000;
const AGENCY = 'XC';
let api: Awaited<ReturnType<typeof startApi>>;
let browser: Browser;

beforeAll(async () => {
  ensureConsoleBuilt();
  api = await startApi({ now: () => Promise.resolve(new Date(Date.now() + 20 * DAY)) });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const bearer = async (user: string, roles: Role[]) => ({
  Authorization: `Bearer ${await tokenFor(user, roles, AGENCY)}`,
});

async function file(materials: string[]): Promise<string> {
  const res = await request(api.base)
    .post('/applications')
    .set(await bearer('staff-xc', ['agency_staff']))
    .set('Idempotency-Key', randomUUID())
    .send({
      agencyCode: AGENCY,
      channel: 'walk_in',
      applicant: { name: '钱七', idNumber: residentIdNumber('19600101', '222') },
      matter: { category: 'labour_remuneration', summary: '追索劳动报酬' },
      economicSituation: { householdSize: 2, monthlyHouseholdIncome: 1000, commitmentSigned: true },
      materialsSupplied: materials,
      intake: { correctionCommitment: true },
    });
  expect(res.status).toBe(201);
  return res.body.applicationNo as string;
}

async function rowIndex(page: Page, no: string): Promise<number> {
  const rows = await page.getByTestId('stuck-rows').locator('tr').allTextContents();
  return rows.findIndex((r) => r.includes(no));
}

test('issue 8 board: a manager finds the overdue cases, most overdue first, filters and opens one', async () => {
  const waitingForDecision = await file(['identity_proof', 'economic_statement', 'matter_evidence']);
  const waitingForDocuments = await file(['identity_proof']);
  // Both cases' obligations are in the read model once their workflows have written them.
  const staff = await bearer('staff-xc', ['agency_staff']);
  await eventually(
    async () => (await request(api.base).get(`/cases/stuck?view=open&agencyCode=${AGENCY}&limit=500`).set(staff)).body,
    (b: { items?: Array<{ applicationNo: string }> }) =>
      [waitingForDecision, waitingForDocuments].every((no) => b.items?.some((i) => i.applicationNo === no)),
  );

  const manager = await signIn(browser, api.base, await tokenFor('mgr-xc', ['manager'], AGENCY));
  await manager.getByTestId('menu').getByText('滞留案件看板').click();
  const board = manager.getByTestId('stuck-board');
  await board.locator('[name=agencyCode]').selectOption(AGENCY);
  await until(async () => (await rowIndex(manager, waitingForDocuments)) >= 0);
  const decision = await rowIndex(manager, waitingForDecision);
  const documents = await rowIndex(manager, waitingForDocuments);
  expect(decision).toBeGreaterThanOrEqual(0);
  expect(decision).toBeLessThan(documents); // overdue 13 days before overdue 5 days
  const decisionRow = (await board.getByTestId('stuck-rows').locator('tr').nth(decision).textContent()) ?? '';
  expect(decisionRow).toContain('审查决定');
  expect(decisionRow).toContain('L-1');
  // 20 days after filing, less the L-1 period: 13 days, fewer when its last day fell on a rest day and moved
  // (Civil Code art. 203) — the board shows the days the read model counts for the clock it was given.
  const item = (
    await request(api.base).get(`/cases/stuck?view=open&agencyCode=${AGENCY}&limit=500`).set(staff)
  ).body.items.find(
    (i: { applicationNo: string; kind: string }) => i.applicationNo === waitingForDecision && i.kind === 'decision',
  ) as {
    overdueMinutes: number;
  };
  const days = Math.floor(item.overdueMinutes / 1440);
  expect(days).toBeGreaterThanOrEqual(5);
  expect(days).toBeLessThanOrEqual(13);
  expect(decisionRow).toMatch(new RegExp(`超期 (${days}|${days + 1}) 天`));
  const documentsRow = (await board.getByTestId('stuck-rows').locator('tr').nth(documents).textContent()) ?? '';
  expect(documentsRow).toContain('补正材料');
  expect(documentsRow).toContain('S-3.2');
  await expect(manager.getByTestId('stuck-counts').textContent()).resolves.toContain('审查中');
  await screenshot(manager, '10-stuck-board');

  // Filter: the decisions waiting on the agency head only.
  await board.locator('[name=kind]').selectOption('decision');
  await until(
    async () =>
      (await rowIndex(manager, waitingForDocuments)) < 0 && (await rowIndex(manager, waitingForDecision)) >= 0,
  );

  // Open the case from the board: its page and timeline.
  await board.getByRole('link', { name: waitingForDecision }).click();
  await manager.getByTestId('stage').waitFor();
  await expect(manager.getByTestId('stage').textContent()).resolves.toBe('审查中');

  // SLA and workload charts.
  await manager.getByTestId('menu').getByText('时效与工作量').click();
  await manager.getByTestId('sla').getByText('7 日内审查决定（L-1）').waitFor();
  await until(async () => ((await manager.getByTestId('sla').textContent()) ?? '').includes('新昌县法律援助中心'));
  await manager.getByTestId('workload').waitFor();
  await screenshot(manager, '11-sla-workload');
});
