// The console is served by the API server under /console (api/app.ts); everything is bundled, nothing from a CDN.
// `npm run dev:web` serves the pages with hot reload and forwards the API's paths to a running API (npm start).
import { defineConfig } from 'vite';

const API = 'http://127.0.0.1:3000';
const API_PATHS = ['applications', 'cases', 'figures', 'public', 'hotline', 'village', 'evaluations', 'quality'];
const MORE_API_PATHS = ['payouts', 'pool', 'people', 'fees', 'health'];

export default defineConfig({
  base: '/console/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    proxy: Object.fromEntries([...API_PATHS, ...MORE_API_PATHS].map((p) => [`/${p}`, { target: API }])),
  },
});
