/**
 * Issue 9, village agents and hotline officers in a real browser: an agent files for someone (S-2.2), uploads a
 * material photo, sees the field check the agency commissioned (S-3.1, S-2.1) and reports it; a duty officer sees the
 * call queue with its live deadline (S-2.4), claims the call (grab-order) and answers it; agency staff file a
 * notification case (L-4). Agency 越城 (YC).
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { Role } from '../../api/auth/access';
import { startApi, trainForDuty, trainForFiling } from '../support/api-harness';
import { residentIdNumber, tokenFor } from '../support/context';
import { ensureConsoleBuilt, launchBrowser, pngPhoto, screenshot, signIn, until, waitForStage } from './browser';

// Many browser steps on a machine whose two cores the rest of the suite shares.
jest.setTimeout(300_000);
const AGENCY = 'YC';
const run = randomUUID().slice(0, 6);
let api: Awaited<ReturnType<typeof startApi>>;
let browser: Browser;

beforeAll(async () => {
  ensureConsoleBuilt();
  api = await startApi();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const as = async (user: string, roles: Role[]): Promise<Page> =>
  signIn(browser, api.base, await tokenFor(user, roles, AGENCY));

async function submitAction(page: Page, id: string, fields: Record<string, string>) {
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

test('S-2.2 S-3.1 a village agent files for someone, uploads a photo and reports the field check', async () => {
  const agentId = `agent-${run}`;
  await trainForFiling(api.prisma, agentId);
  const agent = await as(agentId, ['village_agent']);
  const menu = (await agent.getByTestId('menu').textContent()) ?? '';
  expect(menu).toContain('实地核查任务');
  expect(menu).not.toContain('滞留案件看板'); // each role sees only its pages

  await agent.getByTestId('menu').getByText('受理登记').click();
  const form = agent.getByTestId('intake');
  await expect(form.locator('[name=channel] option').allTextContents()).resolves.toEqual(['村居代办']);
  await form.locator('[name=agencyCode]').selectOption(AGENCY);
  await form.locator('[name=name]').fill('孙七');
  await form.locator('[name=idNumber]').fill(residentIdNumber('19700101', '321'));
  await form.locator('[name=category]').selectOption('labour_remuneration');
  await form.locator('[name=summary]').fill('村民工资被拖欠');
  await form.locator('[name=householdSize]').fill('2');
  await form.locator('[name=monthlyHouseholdIncome]').fill('1500');
  await form.locator('[name="materials.identity_proof"]').check();
  await form.locator('[name=correctionCommitment]').check();
  await form.locator('[name=paperMaterialsForwarded]').check();
  await form.getByRole('button', { name: '提交申请' }).click();
  const no = /(YC-\d{4}-\d{6})/.exec((await form.getByTestId('filed').textContent()) ?? '')![1]!;
  await screenshot(agent, '12-village-agent-intake');

  // The agent photographs a missing material and records it.
  await agent.goto(`${api.base}/console/#/case/${no}`);
  await waitForStage(agent, '待补正材料');
  const upload = agent.getByTestId('photo-upload');
  await upload.locator('[name=material]').selectOption('economic_statement');
  await upload
    .locator('[name=photo]')
    .setInputFiles({ name: 'statement.png', mimeType: 'image/png', buffer: pngPhoto(7) });
  await upload.getByRole('button', { name: '上传并登记为已提交' }).click();
  await upload.locator('.ok').waitFor();
  await until(async () =>
    ((await agent.getByTestId('materials-supplied').textContent()) ?? '').includes('经济困难状况说明表'),
  );

  // Agency staff commission a field check (S-3.1) in the console.
  const staff = await as(`staff-${run}`, ['agency_staff']);
  await staff.goto(`${api.base}/console/#/case/${no}`);
  await staff.getByTestId('stage').waitFor();
  await submitAction(staff, 'verification-task', { route: 'field_check', dueDays: '5' });

  // The agent's task list shows it; the agent reports the result from the case page.
  await agent.getByTestId('menu').getByText('实地核查任务').click();
  const tasks = agent.getByTestId('field-tasks');
  await until(async () => {
    if (((await tasks.textContent()) ?? '').includes(no)) return true;
    await agent.reload();
    return false;
  }, 15_000);
  const taskId = ((await tasks.locator('tr', { hasText: no }).locator('td').nth(1).textContent()) ?? '').trim();
  expect(taskId).toMatch(/^field_check-/);
  await screenshot(agent, '13-village-field-tasks');
  await tasks.getByRole('link', { name: no }).click();
  await agent.getByTestId('stage').waitFor();
  await submitAction(agent, 'verification-result', { taskId, result: 'confirmed', note: '上门核实，家庭确有困难' });
  await until(async () => {
    await agent.getByTestId('case-summary').getByRole('button', { name: '刷新' }).click();
    return ((await agent.getByTestId('case-state').textContent()) ?? '').includes('属实：上门核实');
  });
});

test('S-2.4 the call queue shows the live deadline; the duty officer claims and answers the call', async () => {
  const officer = `duty-${run}`;
  await trainForDuty(api.prisma, officer);
  const registered = await request(api.base)
    .post('/hotline/calls')
    .set('Authorization', `Bearer ${await tokenFor('pbx-yc', ['telephony'], AGENCY)}`)
    .set('Idempotency-Key', `call-${run}`)
    .send({ agencyCode: AGENCY, channel: 'phone' });
  expect(registered.status).toBe(201);
  const { callId } = registered.body as { callId: string };

  const page = await as(officer, ['hotline_officer']);
  await page.getByTestId('menu').getByText('12348 来电队列').click();
  const calls = page.getByTestId('calls');
  const row = calls.locator('tr', { hasText: callId });
  const refresh = () => calls.getByRole('button', { name: '刷新' }).click();
  await until(async () => {
    if ((await row.count()) > 0) return true;
    await refresh();
    return false;
  });
  // The countdown runs in the page (S-2.4: 3 minutes in the day window, else by 10:00 next morning).
  const first = (await row.getByTestId('countdown').textContent()) ?? '';
  expect(first).toMatch(/剩余|已超时/);
  await page.waitForTimeout(1500);
  expect((await row.getByTestId('countdown').textContent()) ?? '').not.toBe(first);
  await screenshot(page, '14-hotline-call-queue');

  await row.getByRole('button', { name: '抢单' }).click();
  await until(async () => {
    if ((await row.getByRole('button', { name: '接听' }).count()) > 0) return true;
    await refresh();
    return false;
  });
  expect(await row.textContent()).toContain('已抢单');
  await row.getByRole('button', { name: '接听' }).click();
  await until(async () => {
    if (((await row.textContent()) ?? '').includes('已接听')) return true;
    await refresh();
    return false;
  });
  await screenshot(page, '15-hotline-call-answered');
});

test('L-4 agency staff file a notification case: the notifying organ fields appear, the API names the missing ones', async () => {
  const staff = await as(`staff-n-${run}`, ['agency_staff']);
  await staff.getByTestId('menu').getByText('受理登记').click();
  const form = staff.getByTestId('intake');
  await form.locator('[name=agencyCode]').selectOption(AGENCY);
  await form.locator('[name=channel]').selectOption('notification');
  await form.getByTestId('notification').waitFor();
  await form.locator('[name=name]').fill('李四');
  await form.locator('[name=idNumber]').fill(residentIdNumber('20100101', '444'));
  await form.locator('[name=category]').selectOption('criminal_defence');
  await form.locator('[name=summary]').fill('法院通知为未成年被告人提供辩护');
  await form.locator('[name=householdSize]').fill('3');
  await form.locator('[name=monthlyHouseholdIncome]').fill('3000');
  for (const code of ['identity_proof', 'economic_statement', 'matter_evidence']) {
    await form.locator(`[name="materials.${code}"]`).check();
  }
  await form.getByRole('button', { name: '提交申请' }).click();
  const error = form.getByTestId('error');
  await error.waitFor();
  expect(await error.textContent()).toContain('通知机关');
  await form.locator('[name=organ]').selectOption('court');
  await form.locator('[name=organName]').fill('绍兴市越城区人民法院');
  await form.locator('[name=letterNo]').fill(`（2026）浙0602刑初${run}号`);
  await form.locator('[name=noticeDate]').fill(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10));
  await form.locator('[name=caseStage]').selectOption('first_instance');
  await form.locator('[name=ground]').selectOption('minor');
  await screenshot(staff, '16-notification-intake');
  await form.getByRole('button', { name: '提交申请' }).click();
  const no = /(YC-\d{4}-\d{6})/.exec((await form.getByTestId('filed').textContent()) ?? '')![1]!;
  await staff.goto(`${api.base}/console/#/case/${no}`);
  await staff.getByTestId('stage').waitFor();
  await until(async () => {
    await staff.getByTestId('case-summary').getByRole('button', { name: '刷新' }).click();
    return ((await staff.getByTestId('timeline').textContent()) ?? '').includes('L-4');
  });
  expect(await staff.getByTestId('case-summary').textContent()).toContain('通知辩护/代理');
});
