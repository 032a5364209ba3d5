import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasChromium } from './chromium';

const BUILT = ['dist/src/main.js', 'dist/console/index.html'];
const SOURCES = ['src', 'plugins', 'console'];

function newestFile(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !entry.parentPath.includes('node_modules'))
    .reduce((newest, entry) => Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
}

/**
 * Vitest's global setup: `npm run build` (server and console) once before the suites, unless dist/ is
 * newer than every source file, as after CI's build. Nothing to build where the suites are skipped.
 */
export default function buildOnce(): void {
  if (!hasChromium) return;
  const newestSource = Math.max(...SOURCES.map(newestFile));
  if (BUILT.every((file) => existsSync(file) && statSync(file).mtimeMs > newestSource)) return;
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit', timeout: 300_000 });
}
