/**
 * The contract (api/contract) is the API: every route the app answers is declared there, every declared route is
 * mounted once, the OpenAPI document names exactly those routes with their answers, and the document is valid.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { ROUTES } from '../../api/contract';
import { openApiPath } from '../../api/contract/route';
import { answerMismatch } from '../../api/mount';
import { openApiDocument } from '../../api/openapi';
import { createPrisma } from '../../platform/database';
import { README, readmeWithRoutes } from '../../scripts/readme-routes';
import { testAppDeps } from '../support/api-harness';

type Layer = { route?: { path: string; methods: Record<string, boolean> } };

const prisma = createPrisma('postgresql://postgres@127.0.0.1:1/nowhere', 1);
const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
// No server behind it: the routes and the document are all that is read.
const app = createApp(testAppDeps(prisma, temporal, 'unused'));
afterAll(() => prisma.$disconnect());

/** The routes Express will answer, read from its own router (not from the mounter's list). */
function expressRoutes(): string[] {
  const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  return stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m} ${layer.route!.path}`)
      : [],
  );
}
const declared = ROUTES.map((r) => `${r.method} ${r.path}`);

describe('the route contract', () => {
  test('every route Express answers is declared in the contract, once, and every declared route is mounted', () => {
    const mounted = expressRoutes();
    expect(new Set(declared).size).toBe(declared.length);
    expect([...mounted].sort()).toEqual([...declared].sort());
  });

  test('the document names exactly the declared routes, each with its answers and refusals', async () => {
    const res = await fetchDocument();
    const inDoc = Object.entries(res.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`));
    expect(inDoc.sort()).toEqual(ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`).sort());
    for (const r of ROUTES) {
      const op = res.paths[openApiPath(r.path)]![r.method]!;
      expect(op.operationId).toBe(r.operationId);
      for (const status of Object.keys(r.answers)) expect(op.responses).toHaveProperty(status);
      // A JSON answer documents its schema (only files and redirects may not).
      for (const [status, answer] of Object.entries(r.answers)) {
        if (!answer.contentType) expect([r.operationId, status, answer.schema]).not.toContain(undefined);
      }
    }
  });

  test('the document is valid OpenAPI 3.1 (swagger-parser, in its own process: its dependencies are ES modules)', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/openapi.ts', '--lint'], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
    });
    expect(out).toMatch(new RegExp(`valid, \\d+ paths, ${ROUTES.length} operations`));
  });

  test('an answer with an undeclared status, or a body unlike its schema, is caught', () => {
    const create = ROUTES.find((r) => r.operationId === 'applications.create')!;
    expect(answerMismatch(create, 418, { code: 'X', message: 'x' })).toMatch(/not declared/);
    expect(answerMismatch(create, 201, { applicationNo: 'KQ-2026-000001' })).toBeDefined();
    expect(answerMismatch(create, 400, { code: 'VALIDATION_FAILED', message: '请求内容不符合要求' })).toBeUndefined();
  });

  test("the README's route table is the contract's (npm run readme:routes)", () => {
    const readme = readFileSync(README, 'utf8');
    expect(readmeWithRoutes(readme)).toBe(readme);
  });

  test('the contract imports no server code, so the console can import it', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const [, spec] of source.matchAll(/^import (?!type\b)[^;]*?from '([^']+)';/gms)) {
        expect([file, spec]).not.toEqual([file, expect.stringMatching(/^(@temporalio|express|@prisma|pg)\b/)]);
        if (spec!.startsWith('.')) visit(resolve(path.dirname(file), spec!));
      }
    };
    visit(path.resolve(__dirname, '../../api/contract/index.ts'));
    expect(seen.size).toBeGreaterThan(5);
  });
});

function resolve(dir: string, spec: string): string {
  const base = path.resolve(dir, spec);
  for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error(`cannot resolve ${spec} from ${dir}`);
}

type Doc = { paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>> };
async function fetchDocument(): Promise<Doc> {
  const res = await request(app).get('/openapi.json');
  expect(res.status).toBe(200);
  // The app serves what it mounted; the default document is the same routes.
  expect(Object.keys(res.body.paths).length).toBe(Object.keys(openApiDocument().paths ?? {}).length);
  return res.body as Doc;
}
