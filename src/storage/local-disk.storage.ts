import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { dirname, join, resolve } from 'node:path';
import type { StorageDriver } from './storage-driver';

/** Files under DATA_DIR/files, written to a temporary name and renamed so a crash never leaves half a file. */
export class LocalDiskStorage implements StorageDriver {
  private readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'files');
  }

  async put(key: string, data: Buffer): Promise<void> {
    const path = this.path(key);
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, data);
    } catch (err) {
      // The folder is made only when missing: most writes go to one that exists, and skip a call to the disk.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(tmp, data);
    }
    await rename(tmp, path);
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async putStream(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      await pipeline(Readable.from(chunks), createWriteStream(tmp));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await rename(tmp, path);
  }

  async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    try {
      return (await open(this.path(key))).createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  private path(key: string): string {
    if (!/^[A-Za-z0-9/_-]+$/.test(key) || key.includes('..')) throw new Error(`invalid storage key ${key}`);
    return join(this.root, key);
  }
}
