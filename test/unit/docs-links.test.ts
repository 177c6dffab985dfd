/**
 * Every relative link in the repository's Markdown points to a file that exists, and every anchor (`#…`, into the
 * same file or another Markdown file) to one of its headings, as GitHub slugs them, so the docs never send a reader
 * nowhere. Links inside code (fenced blocks, inline code) are not links and are not checked.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
/** Directories that are not the project's documentation (dependencies, generated code, outputs, local state). */
const SKIP = new Set(['node_modules', '.git', '.venv', '.data', 'generated', 'test-results', 'dist', 'coverage']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

const withoutCode = (text: string) => text.replace(/^(```|~~~)[\s\S]*?^\1/gm, '');

/**
 * GitHub's heading slug (github-slugger): lower case; every character that is not a letter, mark, number, connector
 * (`_`), hyphen or space removed (so CJK is kept); each space becomes '-'. Markdown emphasis and code marks go first.
 */
export function slug(heading: string): string {
  return heading
    .trim()
    .replace(/\s+#+\s*$/, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's headings; a repeated heading gets `-1`, `-2`, … as on GitHub. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of withoutCode(text).matchAll(/^#{1,6}[ \t]+(.+)$/gm)) {
    const base = slug(heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/** The relative link targets of a Markdown text (`[text](path)`, `[text](path#anchor)`, `[text](#anchor)`). */
export function relativeLinks(text: string): string[] {
  const prose = withoutCode(text).replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** What is wrong with the links of one Markdown file: one line per broken link. */
export function brokenLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return relativeLinks(text).flatMap((target) => {
    const hash = target.indexOf('#');
    const path = hash === -1 ? target : target.slice(0, hash);
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const resolved = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    if (!existsSync(resolved)) return [`${target}: no such file`];
    if (anchor === undefined || !resolved.endsWith('.md')) return [];
    const into = resolved === file ? text : readFileSync(resolved, 'utf8');
    return anchors(into).has(anchor) ? [] : [`${target}: no heading with the anchor #${anchor}`];
  });
}

describe('the link checker', () => {
  test('slugs headings as GitHub does', () => {
    expect(slug('Two commands')).toBe('two-commands');
    expect(slug('Payout (S-4.5)')).toBe('payout-s-45');
    expect(slug('流程历史 (history)')).toBe('流程历史-history');
    expect(slug('`npm start` runs its servers')).toBe('npm-start-runs-its-servers');
    expect(slug('SHUTDOWN_REPEAT_GRACE_MS, and "quotes"?')).toBe('shutdown_repeat_grace_ms-and-quotes');
    expect([...anchors('# A\n## A\n```\n# not a heading\n```\n### B ##\n')]).toEqual(['a', 'a-1', 'b']);
  });

  test('reads links outside code only', () => {
    const text = '[a](docs/x.md) [b](https://e.org) `[c](no.md)` [d](#here) [e](../y.md#top "t")\n```\n[f](z.md)\n```';
    expect(relativeLinks(text)).toEqual(['docs/x.md', '#here', '../y.md#top']);
  });

  test('finds a missing file, a missing heading and a missing anchor in the same file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-links-'));
    try {
      writeFileSync(join(dir, 'other.md'), '# Other\n\n## 流程历史\n');
      writeFileSync(
        join(dir, 'doc.md'),
        '# Doc\n\n## Here\n\n[ok](other.md) [ok](other.md#流程历史) [ok](#here)\n' +
          '[gone](nowhere.md) [gone](other.md#nowhere) [gone](#elsewhere)\n',
      );
      expect(brokenLinks(join(dir, 'doc.md'))).toEqual([
        'nowhere.md: no such file',
        'other.md#nowhere: no heading with the anchor #nowhere',
        '#elsewhere: no heading with the anchor #elsewhere',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const files = markdownFiles(ROOT);

test('the docs are found', () => {
  expect(files.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['README.md', 'docs/operations.md']));
});

test.each(files.map((file) => [relative(ROOT, file), file]))('%s: every relative link resolves', (_, file) => {
  expect(brokenLinks(file)).toEqual([]);
});
