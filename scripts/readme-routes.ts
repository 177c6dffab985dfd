/**
 * The README's route table, written from the contract (api/contract) between its markers, so the reference cannot
 * drift from the API. `npm run readme:routes` rewrites it; test/api/contract.test.ts fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ACCESS } from '../api/auth/access';
import { ROUTES } from '../api/contract';

export const README = resolve(__dirname, '..', 'README.md');
const START = '<!-- routes: generated from api/contract by `npm run readme:routes` -->';
const END = '<!-- /routes -->';

export function routeTable(): string {
  const rows = ROUTES.map((r) => {
    const who =
      r.access === 'public'
        ? 'anyone'
        : `\`${r.access}\`: ${((ACCESS as Record<string, readonly string[]>)[r.access] ?? []).join(', ')}`;
    const answers = Object.keys(r.answers).join(', ');
    return `| \`${r.method.toUpperCase()} ${r.path}\` | ${who} | ${r.summary} | ${answers} |`;
  });
  return [
    START,
    '',
    '| route | who (action: roles) | what | answers |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    END,
  ].join('\n');
}

/** The README with its route table replaced by the current one. */
export function readmeWithRoutes(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no route table markers (${START} … ${END})`);
  return readme.slice(0, start) + routeTable() + readme.slice(end + END.length);
}

if (require.main === module) {
  writeFileSync(README, readmeWithRoutes(readFileSync(README, 'utf8')));
  console.log(`README.md: ${ROUTES.length} routes`);
}
