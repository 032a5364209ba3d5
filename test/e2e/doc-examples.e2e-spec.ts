import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { freshPostgres } from '../support/test-app';

const onPostgres = process.env.DARKROOM_TEST_DATABASE === 'postgres';

/** Runs scripts/doc-examples.mjs: every shell example of README.md and docs/*.md against a fresh server. */
function runDocExamples(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['scripts/doc-examples.mjs'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('the documentation', () => {
  let db: Awaited<ReturnType<typeof freshPostgres>> | null = null;
  afterAll(() => db?.drop());

  it('runs every shell example of README.md and the guides as written', async () => {
    db = onPostgres ? await freshPostgres() : null;
    // On the PostgreSQL run the server takes the same services as the other suites; otherwise SQLite and memory.
    const { code, output } = await runDocExamples({ DATABASE_URL: db?.url ?? '', REDIS_URL: onPostgres ? (process.env.REDIS_URL ?? '') : '' });
    expect(code, output).toBe(0);
    expect(output).toMatch(/^README\.md: \d+ command\(s\)/m);
  }, 120_000);
});
