/**
 * Every relative link in the repository's Markdown points to a file that exists, and an anchor into a Markdown file
 * to one of its headings (GitHub's slugs), so the docs never send a reader nowhere.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const SKIP = new Set(['node_modules', '.git', '.venv', '.data', 'generated', 'test-results', 'dist', '.scratch']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** GitHub's heading slug: lower case, punctuation removed (letters of any script kept), spaces to '-'. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

function headings(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));
}

/** The relative links of a Markdown text, outside code blocks and inline code. */
export function relativeLinks(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'));
}

function broken(file: string): string[] {
  return relativeLinks(readFileSync(file, 'utf8')).flatMap((target) => {
    const [path, anchor] = target.split('#') as [string, string | undefined];
    const resolved = resolve(dirname(file), decodeURIComponent(path));
    if (!existsSync(resolved)) return [`${target} (no such file)`];
    if (anchor && resolved.endsWith('.md') && !headings(resolved).has(anchor)) return [`${target} (no such heading)`];
    return [];
  });
}

test('slugs and links are read as GitHub reads them', () => {
  expect(slug('Two commands')).toBe('two-commands');
  expect(slug('Payout (S-4.5)')).toBe('payout-s-45');
  expect(slug('流程历史 (history)')).toBe('流程历史-history');
  expect(relativeLinks('[a](docs/x.md) [b](https://e.org) `[c](no.md)` [d](#here) [e](../y.md#top)')).toEqual([
    'docs/x.md',
    '../y.md#top',
  ]);
});

test('a broken link is found', () => {
  const file = join(ROOT, 'README.md');
  expect(broken(file)).toEqual([]);
  expect(relativeLinks('[x](docs/nowhere.md)').map((t) => existsSync(resolve(ROOT, t)))).toEqual([false]);
});

test.each(markdownFiles(ROOT).map((file) => [relative(ROOT, file), file]))(
  '%s: every relative link resolves',
  (_, file) => {
    expect(broken(file)).toEqual([]);
  },
);
