/** Where encrypted file bytes live. Drivers store opaque blobs by key; encryption happens above them. */
export interface StorageDriver {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
  /** Large files (videos): written as the chunks come, never whole in memory; nothing is left under the key if the stream fails. */
  putStream(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void>;
  /** A file's bytes as they are read, or null when there is none. */
  getStream(key: string): Promise<AsyncIterable<Uint8Array> | null>;
}

export const STORAGE_DRIVER = Symbol('STORAGE_DRIVER');
