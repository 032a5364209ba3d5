import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The console is served by the app at /console from dist/console (src/console). */
export default defineConfig({
  root,
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // One small bundle: the server gives everything under assets/ a year's immutable cache.
    assetsDir: 'assets',
    target: 'es2022',
    reportCompressedSize: true,
  },
  server: {
    // `npx vite --config console/vite.config.ts` during development: the API runs beside it (npm run start:dev).
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
