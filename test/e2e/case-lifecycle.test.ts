/**
 * Issue 9, in a real browser (Debian's Chromium via playwright-core) against the real API, worker, Temporal and
 * PostgreSQL: one case through the console from intake with documents missing (S-3.2) to payout (S-4.5), each step by
 * the person whose step it is, asserting on what the pages show. Agency 上虞 (SY), whose pool only this file fills.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { cstDateOf } from '../../domain/time';
import type { Role } from '../../api/auth/access';
import { startApi } from '../support/api-harness';
import { residentIdNumber, tokenFor } from '../support/context';
import {
  ensureConsoleBuilt,
  launchBrowser,
  pngPhoto,
  refreshUntil,
  screenshot,
  signIn,
  until,
  waitForStage,
} from './browser';

// Many browser steps on a machine whose two cores the rest of the suite shares.
jest.setTimeout(300_000);
let api: Awaited<ReturnType<typeof startApi>>;
let browser: Browser;
const run = randomUUID().slice(0, 6);
const AGENCY = 'SY';

beforeAll(async () => {
  ensureConsoleBuilt();
  // No random spot check: the evaluation ends at the evaluator's score.
  api = await startApi({ rules: { ...DEFAULT_RULE_CONFIG, spotCheckRate: 0 } });
  browser = await launchBrowser();
  for (const [i, x] of ['A', 'B'].entries()) {
    await api.prisma.poolInstitution.create({
      data: { id: `sy-${run}-${x}`, agencyCode: AGENCY, name: `上虞测试${x}律师事务所`, listOrder: 1000 + i },
    });
    await api.prisma.poolMember.create({
      data: { id: `sy-${run}-${x.toLowerCase()}1`, institutionId: `sy-${run}-${x}` },
    });
  }
  // S-4.5 a base fee of the agency's own (a date no other test uses), and S-4.4 a civil scoring sheet.
  await api.prisma.feeSchedule.create({
    data: {
      agencyCode: AGENCY,
      matterType: 'any',
      caseStage: 'any',
      amountCents: 150_000,
      effectiveFrom: new Date(
        `20${10 + Math.floor(Math.random() * 9)}-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 9)}`,
      ),
      createdBy: 'e2e',
    },
  });
  const version = 500_000 + Math.floor(Math.random() * 400_000);
  await api.prisma.scoringSheet.create({
    data: {
      id: `e2e-civil-${version}`,
      kind: 'civil_administrative',
      version,
      title: '端到端测试评分表',
      items: [
        { code: 'procedure', label: '办案程序', max: 40, weight: 1 },
        { code: 'quality', label: '办案质量', max: 60, weight: 1 },
      ],
      effectiveFrom: new Date('2000-01-01'),
      loadedBy: 'e2e',
    },
  });
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const as = async (userId: string, roles: Role[], institution?: string): Promise<Page> =>
  signIn(browser, api.base, await tokenFor(userId, roles, AGENCY, institution));

async function openCase(page: Page, no: string) {
  await page.goto(`${api.base}/console/#/case/${no}`);
  await page.reload(); // the same address again would not read the case again
  await page.getByTestId('stage').waitFor();
}

/** Fills and submits one of the case page's action forms. */
async function act(page: Page, id: string, fields: Record<string, string>) {
  const form = page.getByTestId(`action-${id}`);
  for (const [name, value] of Object.entries(fields)) {
    const input = form.locator(`[name="${name}"]`);
    if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().startsWith(`${api.base}/applications/`)),
    form.getByRole('button', { name: '提交' }).click(),
  ]);
  if (!response.ok()) throw new Error(`${id}: ${response.status()} ${await response.text()}`);
}

test('a deferred-document case from intake to payout, each step in the console by the person whose step it is', async () => {
  const today = cstDateOf(new Date());

  // Agency staff: the intake form; first a wrong ID number, which the API's validation message names.
  const staff = await as(`staff-${run}`, ['agency_staff']);
  await expect(staff.getByTestId('who').textContent()).resolves.toContain('法律援助机构工作人员');
  await staff.getByTestId('menu').getByText('受理登记').click();
  const form = staff.getByTestId('intake');
  await form.locator('[name=agencyCode]').selectOption(AGENCY);
  await form.locator('[name=channel]').selectOption('walk_in');
  await form.locator('[name=name]').fill('王五');
  await form.locator('[name=idNumber]').fill('33060219500101');
  await form.locator('[name=category]').selectOption('labour_remuneration');
  await form.locator('[name=summary]').fill('工地拖欠工资三个月');
  await form.locator('[name=householdSize]').fill('3');
  await form.locator('[name=monthlyHouseholdIncome]').fill('1500');
  await form.locator('[name="materials.identity_proof"]').check();
  await form.locator('[name=correctionCommitment]').check();
  await form.getByRole('button', { name: '提交申请' }).click();
  await expect(form.getByTestId('error').textContent()).resolves.toContain('公民身份号码不正确');
  await screenshot(staff, '01-intake-validation');
  await form.locator('[name=idNumber]').fill(residentIdNumber('19500101', '111'));
  await form.getByRole('button', { name: '提交申请' }).click();
  const filed = await form.getByTestId('filed').textContent();
  const no = /(SY-\d{4}-\d{6})/.exec(filed ?? '')![1]!;
  await screenshot(staff, '02-intake-filed');

  // Accepted with documents missing (S-3.2): the case waits for materials; photos of both arrive.
  await openCase(staff, no);
  await waitForStage(staff, '待补正材料');
  await expect(staff.getByTestId('materials-missing').textContent()).resolves.toContain('经济困难状况说明表');
  const upload = staff.getByTestId('photo-upload');
  for (const [i, code] of ['economic_statement', 'matter_evidence'].entries()) {
    await upload.locator('[name=material]').selectOption(code);
    await upload
      .locator('[name=photo]')
      .setInputFiles({ name: `${code}.png`, mimeType: 'image/png', buffer: pngPhoto(i) });
    await upload.getByRole('button', { name: '上传并登记为已提交' }).click();
    await upload.locator('.ok').waitFor();
  }
  await until(async () => (await staff.getByTestId('photo-list').locator('tr').count()) === 2);
  await waitForStage(staff, '审查中');
  await expect(staff.getByTestId('materials-missing').textContent()).resolves.toBe('无');
  await screenshot(staff, '03-case-materials-uploaded');

  // Agency staff may not decide: no decision form for them (L-1 is the head's).
  expect(await staff.getByTestId('action-decision').count()).toBe(0);

  // The agency head grants (L-1); the rotation picks at once (S-2.9) and the institution is asked to confirm.
  const head = await as(`head-${run}`, ['agency_head']);
  // The head's work queue: what waits on them (issue 8's read model), here the L-1 decision.
  const tasks = head.getByTestId('my-tasks');
  await until(async () => {
    if (((await tasks.locator('tr', { hasText: no }).textContent({ timeout: 500 })) ?? '').includes('审查决定'))
      return true;
    await tasks.getByRole('button', { name: '刷新' }).click();
    return false;
  });
  await screenshot(head, '04a-head-my-tasks');
  await openCase(head, no);
  await act(head, 'decision', { decision: 'grant' });
  await refreshUntil(head, async () => (await head.getByTestId('proposed-member').count()) > 0);
  await expect(head.getByTestId('decision').textContent()).resolves.toContain(`head-${run}`);
  const seq = (await head.getByTestId('ledger-seq').first().textContent())!.trim();
  const member = (await head.getByTestId('proposed-member').first().textContent())!.trim();
  const institution = member.replace(/-[ab]1$/, (m) => `-${m[1]!.toUpperCase()}`);
  await expect(head.getByTestId('case-ledger').textContent()).resolves.toContain(member);
  await screenshot(head, '04-case-granted-assigning');

  // The institution confirms the member whose turn it was (S-2.10).
  const firm = await as(`firm-${run}`, ['institution'], institution);
  await openCase(firm, no);
  await act(firm, 'confirmation', { ledgerSeq: seq, memberId: member });
  await waitForStage(firm, '已指派');

  // The lawyer: their cases, the engagement (L-6), the closure file (L-12).
  const lawyer = await as(member, ['lawyer']);
  await lawyer.getByTestId('menu').getByText('我的案件').click();
  await lawyer.getByTestId('queue').getByText(no).waitFor();
  await screenshot(lawyer, '05-lawyer-cases');
  await openCase(lawyer, no);
  await act(lawyer, 'engagement', { signedOn: today });
  await waitForStage(lawyer, '承办中');
  await openCase(lawyer, no);
  await act(lawyer, 'case-file', {
    documents: '民事调解书\n委托协议',
    report: '经调解结案，追回工资',
    matterEndedOn: today,
  });
  await waitForStage(lawyer, '结案审查中');

  // The institution's quality manager: the approval queue, then approves the file (S-4.3).
  const qm = await as(`qm-${run}`, ['quality_manager'], institution);
  await qm.getByTestId('menu').getByText('结案审查队列').click();
  await qm.getByTestId('queue').getByText(no).click();
  await qm.getByTestId('stage').waitFor();
  await act(qm, 'case-file-review', { approved: 'true', comments: '材料齐全' });
  await waitForStage(qm, '质量评估中');

  // Agency staff name the evaluator (S-4.4).
  await openCase(staff, no);
  await refreshUntil(
    staff,
    async () => (await staff.getByTestId('evaluation-status').textContent({ timeout: 500 })) === '待指定评估人员',
  );
  await act(staff, 'evaluator', { evaluatorId: `eval-${run}`, kind: 'peer' });

  // The evaluator: the queue, then the scoring sheet in force (80 points: good).
  const evaluator = await as(`eval-${run}`, ['evaluator']);
  await evaluator.getByTestId('menu').getByText('评估与专家复核').click();
  await evaluator.getByTestId('evaluations').getByText(no).click();
  await refreshUntil(evaluator, async () => (await evaluator.getByTestId('scoring-sheet').count()) > 0);
  const sheet = evaluator.getByTestId('scoring-sheet');
  // The sheet's items load after the form appears; fill them only once they are shown.
  await sheet.locator('input[name^="points."]').first().waitFor();
  for (const input of await sheet.locator('input[name^="points."]').all()) {
    const label = (await input.locator('xpath=..').textContent()) ?? '';
    const max = Number(/满分\s*(\d+)/.exec(label)?.[1] ?? '100');
    await input.fill(String(max * 0.8));
  }
  await sheet.locator('[name=comments]').fill('办案规范');
  await screenshot(evaluator, '06-scoring-sheet');
  const [scored] = await Promise.all([
    evaluator.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/evaluation/score')),
    sheet.getByRole('button', { name: '提交评分' }).click(),
  ]);
  expect(scored.status()).toBe(200);

  // Closed and paid (S-4.5): the staff's case page shows the score, the payout line and the timeline.
  await openCase(staff, no);
  await waitForStage(staff, '已结案', 30_000);
  await expect(staff.getByTestId('evaluation-result').textContent()).resolves.toContain('得分 80');
  await staff.getByTestId('payout-total').waitFor();
  await expect(staff.getByTestId('payout-total').textContent()).resolves.toMatch(/合计 ¥[1-9]/);
  const timeline = (await staff.getByTestId('timeline').textContent()) ?? '';
  for (const text of [
    '待补正材料',
    '审查中',
    '给予法律援助',
    '已指派',
    '承办中',
    '质量评估中',
    '已结案',
    'L-1',
    'S-3.2',
  ]) {
    expect(timeline).toContain(text);
  }
  await screenshot(staff, '07-case-closed-paid');

  // 流程历史: on demand, both workflows' events in China time with Chinese labels, the data decrypted by the API.
  const workflowHistory = staff.getByTestId('workflow-history');
  await workflowHistory.getByRole('button', { name: '查看流程历史' }).click();
  await workflowHistory.getByTestId('history-evaluation').waitFor();
  const labels = await workflowHistory.getByTestId('history-label').allTextContents();
  expect(labels).toEqual(expect.arrayContaining(['启动「申请流程」', '启动「质量评估流程」']));
  expect(labels).toContain('收到信号「作出决定（给予/不予法律援助）」');
  expect(labels.filter((l) => /[A-Za-z]/.test(l))).toEqual([]);
  const first = workflowHistory.getByTestId('history-application').getByTestId('history-event').first();
  await expect(first.textContent()).resolves.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
  await first.locator('summary').click();
  await expect(first.locator('pre').textContent()).resolves.toContain('王五');
  await screenshot(staff, '07b-case-workflow-history');

  // A lawyer not on the case gets the API's refusal, in Chinese.
  const other = await as(`other-lawyer-${run}`, ['lawyer']);
  await other.goto(`${api.base}/console/#/case/${no}`);
  await expect(other.getByTestId('case-summary').getByTestId('error').textContent()).resolves.toContain('403');

  // A manager: the published rotation order with this case's pick, and the year's results.
  const manager = await as(`mgr-${run}`, ['manager']);
  await manager.getByTestId('menu').getByText('轮流指派顺序与评估结果').click();
  await manager.getByTestId('rotation').getByText(no).waitFor();
  await expect(manager.getByTestId('results-total').textContent()).resolves.toMatch(/良好 [1-9]/);
  await screenshot(manager, '08-published-rotation-results');
  // Issue 8's SLA figures count the case: assigned the same day (S-3.3), decided within 7 days (L-1).
  await manager.getByTestId('menu').getByText('时效与工作量').click();
  await until(async () => ((await manager.getByTestId('sla').textContent()) ?? '').includes('上虞区法律援助中心'));
  await screenshot(manager, '09-sla-workload');
});
