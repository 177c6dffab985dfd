#!/usr/bin/env node
// Prints the SQL that `prisma migrate diff --script` would print, without Prisma's native schema engine
// (which cannot be downloaded on offline machines). Uses the WebAssembly build of the same engine,
// @prisma/schema-engine-wasm, loaded by hand because the package targets bundlers.
// See shared/notes/prisma-offline.md and README "Database migrations".
//
//   node scripts/prisma-diff.mjs --from empty --to prisma/schema.prisma
//   node scripts/prisma-diff.mjs --from /tmp/old-schema.prisma --to prisma/schema.prisma
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);

export async function loadSchemaEngine() {
  const pkgDir = dirname(require.resolve('@prisma/schema-engine-wasm'));
  const glue = await import(join(pkgDir, 'schema_engine_bg.js'));
  const bytes = await readFile(join(pkgDir, 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return glue;
}

async function source(arg) {
  if (arg === 'empty') return { tag: 'empty' };
  const path = resolve(arg);
  return { tag: 'schemaDatamodel', files: [{ path, content: await readFile(path, 'utf8') }] };
}

export async function diff({ from, to, connectionString }) {
  const glue = await loadSchemaEngine();
  const { PrismaPg } = require('@prisma/adapter-pg');
  const { bindMigrationAwareSqlAdapterFactory } = require('@prisma/driver-adapter-utils');
  const target = await source(to);
  const datamodels = target.tag === 'schemaDatamodel' ? target.files.map((f) => [f.path, f.content]) : [];
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
  const engine = await glue.SchemaEngine.new({ datamodels }, () => {}, adapter);
  const result = await engine.diff({
    from: await source(from),
    to: target,
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  return result.stdout;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const { values } = parseArgs({
    options: { from: { type: 'string', default: 'empty' }, to: { type: 'string', default: 'prisma/schema.prisma' } },
  });
  // The engine wants a driver adapter even for a pure schema-to-schema diff; it does not query it.
  const connectionString = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  process.stdout.write(await diff({ from: values.from, to: values.to, connectionString }));
  process.exit(0); // the driver adapter's idle pool would otherwise keep the process alive
}
