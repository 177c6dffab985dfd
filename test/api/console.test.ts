/** Issue 9: how the server serves the console bundle (static files, the SPA's own routes, nothing else). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { consoleRouter } from '../../api/console';

function appWith(dist: string) {
  const app = express();
  app.use('/console', consoleRouter(dist));
  return app;
}

test('the bundle and its routes are served under /console with a self-only content policy', async () => {
  const dist = mkdtempSync(join(tmpdir(), 'console-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>工作台</title>');
  writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
  const app = appWith(dist);
  const bare = await request(app).get('/console');
  expect(bare.status).toBe(301);
  expect(bare.headers.location).toBe('/console/');
  for (const path of ['/console/', '/console/queue']) {
    const page = await request(app).get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('工作台');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  }
  const script = await request(app).get('/console/assets/index-abc.js');
  expect(script.status).toBe(200);
  expect(script.headers['content-type']).toContain('javascript');
  expect((await request(app).get('/console/assets/gone.js')).status).toBe(404);
});

test('before `npm run build:web` the console says how to build it', async () => {
  const res = await request(appWith(join(tmpdir(), 'no-such-console-dist'))).get('/console/');
  expect(res.status).toBe(404);
  expect(res.text).toContain('npm run build:web');
});
