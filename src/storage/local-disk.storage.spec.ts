import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDiskStorage } from './local-disk.storage';

describe('LocalDiskStorage.put', () => {
  let dir: string;
  let storage: LocalDiskStorage;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'darkroom-disk-'));
    storage = new LocalDiskStorage(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('makes the folders a key needs, then writes beside what is there, leaving no temporary file', async () => {
    await storage.put('images/org-a/one', Buffer.from('first'));
    await storage.put('images/org-a/two', Buffer.from('second'));
    await storage.put('images/org-b/one', Buffer.from('third'));
    expect((await storage.get('images/org-a/one'))?.toString()).toBe('first');
    expect((await storage.get('images/org-a/two'))?.toString()).toBe('second');
    expect((await storage.get('images/org-b/one'))?.toString()).toBe('third');
    expect((await readdir(join(dir, 'files/images/org-a'))).sort()).toEqual(['one', 'two']);
  });

  it('makes a folder again when it was removed after an earlier write', async () => {
    await storage.put('images/org-a/one', Buffer.from('first'));
    await rm(join(dir, 'files/images/org-a'), { recursive: true });
    await storage.put('images/org-a/two', Buffer.from('second'));
    expect((await storage.get('images/org-a/two'))?.toString()).toBe('second');
  });
});
