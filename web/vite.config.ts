// The console is served by the API server under /console (api/app.ts); everything is bundled, nothing from a CDN.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
});
