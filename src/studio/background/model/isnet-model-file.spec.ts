import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPackagedIsnetModel } from './isnet-model-file';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A dist/ laid out as the package lays it out: chunks named by their SHA-256, listed in resources.json. */
async function packageDist(chunks: Buffer[], size = chunks.reduce((sum, chunk) => sum + chunk.length, 0)): Promise<string> {
  const dist = await mkdtemp(join(tmpdir(), 'isnet-dist-'));
  let offset = 0;
  const entries = [];
  for (const chunk of chunks) {
    await writeFile(join(dist, sha256(chunk)), chunk);
    entries.push({ hash: sha256(chunk), offsets: [offset, offset + chunk.length] });
    offset += chunk.length;
  }
  await writeFile(join(dist, 'resources.json'), JSON.stringify({ '/models/medium': { chunks: entries, size, mime: 'application/octet-steam' } }));
  return dist;
}

describe('readPackagedIsnetModel', () => {
  const dists: string[] = [];
  afterEach(async () => {
    await Promise.all(dists.splice(0).map((dist) => rm(dist, { recursive: true, force: true })));
  });

  it('joins the chunks in order', async () => {
    const dist = await packageDist([Buffer.from('first '), Buffer.from('second')]);
    dists.push(dist);
    expect((await readPackagedIsnetModel(dist)).toString()).toBe('first second');
  });

  it('names a chunk whose bytes no longer match its hash', async () => {
    const chunk = Buffer.from('weights');
    const dist = await packageDist([chunk]);
    dists.push(dist);
    await writeFile(join(dist, sha256(chunk)), 'WEIGHTS');
    await expect(readPackagedIsnetModel(dist)).rejects.toThrow(new RegExp(`chunk ${sha256(chunk)} .* is damaged`));
  });

  it('refuses a model whose chunks do not add up to its size', async () => {
    const dist = await packageDist([Buffer.from('part')], 10);
    dists.push(dist);
    await expect(readPackagedIsnetModel(dist)).rejects.toThrow(/4 bytes, 10 expected/);
  });

  it('finds the medium model in the installed package', async () => {
    const model = await readPackagedIsnetModel();
    expect(model.length).toBe(88_188_479);
  });
});
