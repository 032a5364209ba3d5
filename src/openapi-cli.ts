import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from './app.factory';
import { loadConfig } from './config/load-config';
import { ApiDocs } from './docs/api-docs';
import { COMMITTED_SERVER_URL } from './docs/openapi-document';

/**
 * Writes the OpenAPI document to docs/openapi.json (or the path given), so the spec is reviewed in
 * commits and clients can be generated from it. Builds the app on a throwaway SQLite database.
 */
async function main(): Promise<void> {
  const out = process.argv[2] ?? 'docs/openapi.json';
  const dataDir = mkdtempSync(join(tmpdir(), 'darkroom-openapi-'));
  const app = await createApp(loadConfig({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'warn', PUBLIC_URL: COMMITTED_SERVER_URL }));
  try {
    writeFileSync(out, `${JSON.stringify(app.get(ApiDocs).openapi(), null, 2)}\n`);
    console.log(`wrote ${out}`);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
