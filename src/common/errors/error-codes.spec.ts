import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../config/settings';
import { ERROR_CODES } from './error-codes';

describe('docs stay in step with the code', () => {
  it('docs/errors.md lists every error code with its status, and no other', () => {
    const rows = [...readFileSync('docs/errors.md', 'utf8').matchAll(/^\| `([a-z0-9_]+)` \| (\d{3}) \|/gm)];
    expect(Object.fromEntries(rows.map((m) => [m[1], Number(m[2])]))).toEqual(ERROR_CODES);
  });

  it('docs/configuration.md documents every setting under its environment name and YAML key', () => {
    const doc = readFileSync('docs/configuration.md', 'utf8');
    for (const s of SETTINGS) expect(doc, s.env).toContain(`| \`${s.env}\` | \`${s.path}\` |`);
  });
});
