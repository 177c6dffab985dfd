/**
 * The web console (issue 9): the bundle built by `npm run build:web` into web/dist, served under /console by the same
 * server as the API. The console calls the JSON API with the signed-in person's bearer token; nothing here decides
 * access. Routes the SPA owns (any path under /console without a file) answer its index.html.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express from 'express';

export const CONSOLE_DIST = resolve(__dirname, '..', 'web', 'dist');

export function consoleRouter(dist = CONSOLE_DIST): express.Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    // Everything is bundled and served from here: no CDN, no inline scripts.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  router.use(express.static(dist, { index: false, fallthrough: true, maxAge: '1h' }));
  // A missing bundle file is a 404, not the page (a stale tab after a deploy must not parse HTML as script).
  router.get('/assets/{*rest}', (_req, res) => {
    res.status(404).type('text/plain; charset=utf-8').send('文件不存在');
  });
  router.get('/{*rest}', (_req, res) => {
    const index = join(dist, 'index.html');
    if (!existsSync(index)) {
      res.status(404).type('text/plain; charset=utf-8').send('控制台尚未构建：请先运行 npm run build:web');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
