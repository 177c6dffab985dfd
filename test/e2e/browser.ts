/**
 * End-to-end support: the console bundle (built when missing or older than its sources), Debian's Chromium driven by
 * playwright-core (the machine cannot download browsers), sign-in with a real token, and screenshots for reviewers
 * under test-results/screenshots/ (not committed).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = resolve(__dirname, '..', '..');
const WEB = join(ROOT, 'web');
const INDEX = join(WEB, 'dist', 'index.html');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const fresh = () => existsSync(INDEX) && statSync(INDEX).mtimeMs >= newestSource(WEB);

/** `npm run build:web` unless web/dist is up to date; one builder at a time across test files (a lock directory). */
export function ensureConsoleBuilt(): void {
  if (fresh()) return;
  const lock = join(WEB, '.build-lock');
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > until) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!fresh()) {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web'], {
        cwd: ROOT,
        stdio: 'pipe',
      });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Root in CI containers: Chromium's sandbox needs user namespaces it may not have.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=zh-CN'],
  });
}

/** A fresh tab signed in with this token: the sign-in page shows who the token says, then the person's menu. */
export async function signIn(browser: Browser, base: string, token: string): Promise<Page> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${base}/console/`);
  await page.locator('textarea[name=token]').fill(token);
  await page.getByTestId('token-preview').waitFor();
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('menu').waitFor();
  return page;
}

export const AXE_LOG = join(ROOT, 'test-results', 'axe.jsonl');

/**
 * Accessibility of what the page shows now (axe-core, WCAG 2.1 A/AA rules): fails on any serious or critical
 * violation and appends one line per screen to test-results/axe.jsonl (every impact counted) for the reviewers.
 */
export async function checkAccessibility(page: Page, name: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const count = (impact: string) => result.violations.filter((v) => v.impact === impact).length;
  mkdirSync(dirname(AXE_LOG), { recursive: true });
  appendFileSync(
    AXE_LOG,
    JSON.stringify({
      screen: name,
      critical: count('critical'),
      serious: count('serious'),
      moderate: count('moderate'),
      minor: count('minor'),
      passes: result.passes.length,
    }) + '\n',
  );
  const blocking = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (blocking.length > 0) {
    const lines = blocking.map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 5)
          .join(', ')}`,
    );
    throw new Error(`accessibility violations on screen "${name}":\n${lines.join('\n')}`);
  }
}

/** A full-page screenshot under test-results/screenshots/, after the screen passed the accessibility check. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  if (!name.startsWith('failed-')) await checkAccessibility(page, name);
}

/** Re-reads the case page until its stage shows `label` (workflows record their steps a moment after answering). */
export async function waitForStage(page: Page, label: string, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text =
      (await page
        .getByTestId('stage')
        .textContent({ timeout: 5_000 })
        .catch(() => null)) ?? '';
    if (text.includes(label)) return;
    if (Date.now() > until) {
      await screenshot(page, 'failed-wait-for-stage');
      throw new Error(`stage is "${text}", expected "${label}"`);
    }
    await page.waitForTimeout(300);
    await page.getByTestId('case-summary').getByRole('button', { name: '刷新' }).click();
  }
}

/** Re-reads the case page until `check` holds. */
export async function refreshUntil(page: Page, check: () => Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) {
      await screenshot(page, 'failed-refresh-until');
      throw new Error('the page did not show what was expected in time');
    }
    await page.waitForTimeout(300);
    await page.getByTestId('case-summary').getByRole('button', { name: '刷新' }).click();
  }
}

/** A tiny valid PNG (1x1); `variant` appends bytes after IEND so each photo has its own hash. */
export function pngPhoto(variant: number): Buffer {
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );
  return Buffer.concat([png, Buffer.from(`variant-${variant}`)]);
}

/** Waits until `check` holds (what the page shows after its own reload). */
export async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('the page did not show what was expected in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
