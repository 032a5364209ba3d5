import { defineConfig } from 'vitest/config';

// The console in Debian's Chromium against the built server (`npm run test:browser`). One suite at a
// time: each runs a server and a browser, which is all two cores carry reliably.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser-spec.ts'],
    globalSetup: ['test/browser/support/build-once.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
