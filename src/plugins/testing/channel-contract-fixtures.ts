import sharp from 'sharp';
import type { PublishableImage, PublishResult } from '../channel-catalogue';
import type { ChannelCallContext, ChannelConnection } from '../channel-connection';
import type { ChannelImageSlot } from '../channel-images';
import type { ChannelPlugin } from '../channel-plugin';
import { startFakeServer, type FakeServer } from './fake-server';

const WRITABLE = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const;
type Writable = (typeof WRITABLE)[number];
const MIME: Record<Writable, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', tiff: 'image/tiff', avif: 'image/avif' };

/**
 * Serves images on 127.0.0.1 as the core's signed file links do, for stores that fetch images by URL.
 */
export class ImageHost {
  private readonly files = new Map<string, { data: Buffer; mimeType: string }>();
  private server!: FakeServer;
  private count = 0;

  async start(): Promise<this> {
    this.server = await startFakeServer((req) => {
      const file = this.files.get(req.url.split('?')[0]);
      return file ? { headers: { 'content-type': file.mimeType }, body: file.data } : { status: 404, body: 'not found' };
    });
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** A square image that meets the slot's size and format rules: white, with a dark "product" filling most of it. */
  async imageFor(slot: ChannelImageSlot): Promise<PublishableImage> {
    const r = slot.requirements;
    const format = WRITABLE.find((f) => r.formats.includes(f));
    if (!format) throw new Error(`the contract suite cannot write any of the slot "${slot.id}"'s formats (${r.formats.join(', ')})`);
    const side = Math.max(64, r.minWidth ?? 0, r.minHeight ?? 0, r.minLongestSide ?? 0);
    const inner = Math.round(side * 0.9);
    const product = await sharp({ create: { width: inner, height: inner, channels: 3, background: { r: 40 + (this.count % 200), g: 60, b: 90 } } }).png().toBuffer();
    const data = await sharp({ create: { width: side, height: side, channels: 3, background: { r: 255, g: 255, b: 255 } } })
      .composite([{ input: product, gravity: 'centre' }])
      .toFormat(format)
      .toBuffer();
    const path = `/files/contract-${++this.count}.${format}`;
    this.files.set(path, { data, mimeType: MIME[format] });
    return { data, mimeType: MIME[format], width: side, height: side, filename: path.slice('/files/'.length), url: `${this.server.url}${path}?signature=contract` };
  }
}

/** Follows a pending publish through checkPublish until the store is done with it. */
export async function settle<C extends object>(plugin: ChannelPlugin<C>, connection: ChannelConnection<C>, result: PublishResult, ctx: ChannelCallContext): Promise<string> {
  for (let checks = 0; result.status === 'pending'; checks++) {
    if (!plugin.checkPublish) throw new Error('publishImage answered pending, but the plugin has no checkPublish()');
    if (checks === 20) throw new Error(`publish ${result.externalRef} was still pending after 20 checks`);
    result = await plugin.checkPublish(connection, result.externalRef, ctx);
  }
  return result.externalImageId;
}

/** Store addresses are credentials' fields but no secret: a plugin may log which store it called. */
const ADDRESS = /^(https?:\/\/\S+|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

/** Every secret-looking string in a credentials object, at any depth: what must never be logged. */
export function secretStrings(credentials: object): string[] {
  return Object.values(credentials).flatMap((v): string[] => {
    if (typeof v === 'string') return v.length >= 8 && !ADDRESS.test(v) ? [v] : [];
    return v && typeof v === 'object' ? secretStrings(v as object) : [];
  });
}
