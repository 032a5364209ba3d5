import { Injectable } from '@nestjs/common';
import { imageSize } from 'image-size';
import sharp from 'sharp';
import { OutboundHttp } from '../common/net/outbound-http';
import { UrlNotAllowed } from '../common/net/url-guard';
import { ProviderError } from '../plugins/provider-error';
import type { ImageFormat } from '../plugins/provider-models';
import type { ProviderOutput } from '../plugins/provider-operations';

/** An image ready to store: its bytes in the format asked, and what they hold. */
export interface RenderedImage {
  data: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
  seed: number;
}

/** Bounds on what a provider may hand back: the largest sizes offered (4096x4096, as PNG) fit well within them. */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
export const MAX_OUTPUT_PIXELS = 40_000_000;
const DOWNLOAD_TIMEOUT_MS = 60_000;
/** The header types image-size reads, as the formats Darkroom stores. */
const HEADER_FORMATS: Record<string, ImageFormat> = { png: 'png', jpg: 'jpeg', webp: 'webp', avif: 'avif' };

/**
 * Turns what a plugin answered into images the core stores. Bytes are read for what they really
 * hold; an `{ url }` is downloaded through the outbound client (address policy, timeout, the job's
 * signal) within MAX_OUTPUT_BYTES. Anything over MAX_OUTPUT_PIXELS, or not an image, is refused; an
 * image in another format than asked is converted.
 */
@Injectable()
export class ProviderOutputs {
  constructor(private readonly http: OutboundHttp) {}

  async image(output: ProviderOutput, asked: { format: ImageFormat; seed: number }, trustedOrigin: string | null, signal: AbortSignal): Promise<RenderedImage> {
    let data: Buffer;
    if ('data' in output) data = output.data;
    else if ('url' in output) data = await this.download(output.url, trustedOrigin, signal);
    else throw new ProviderError('unavailable', 'the provider answered a video where an image was asked');
    // The header alone, read in JavaScript: a native call here costs more than routing (bench/routing-overhead.mjs).
    const meta = headerOf(data);
    const format = HEADER_FORMATS[meta.type ?? ''];
    if (!format) throw new ProviderError('transient', `the provider answered a ${meta.type} image, which Darkroom does not store`);
    if (meta.width * meta.height > MAX_OUTPUT_PIXELS) throw new ProviderError('unavailable', `the provider answered a ${meta.width}x${meta.height} image, over ${MAX_OUTPUT_PIXELS / 1e6} megapixels`);
    if (format !== asked.format) data = await sharp(data, { limitInputPixels: MAX_OUTPUT_PIXELS }).toFormat(asked.format === 'avif' ? 'heif' : asked.format, asked.format === 'avif' ? { compression: 'av1' } : {}).toBuffer();
    return { data, format: asked.format, width: meta.width, height: meta.height, seed: ('seed' in output ? output.seed : undefined) ?? asked.seed };
  }

  private async download(url: string, trustedOrigin: string | null, signal: AbortSignal): Promise<Buffer> {
    try {
      const response = await this.http.send(url, { method: 'GET', timeoutMs: DOWNLOAD_TIMEOUT_MS, followRedirects: true, signal, trusted: (u) => u.origin === trustedOrigin });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new ProviderError('transient', `the provider's output could not be downloaded: ${response.status}`);
      }
      if (Number(response.headers.get('content-length') ?? 0) > MAX_OUTPUT_BYTES) {
        await response.body?.cancel();
        throw this.tooLarge();
      }
      const chunks: Uint8Array[] = [];
      let total = 0;
      for await (const chunk of response.body ?? []) {
        total += chunk.length;
        if (total > MAX_OUTPUT_BYTES) throw this.tooLarge();
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    } catch (err) {
      signal.throwIfAborted();
      if (err instanceof ProviderError) throw err;
      if (err instanceof UrlNotAllowed) throw new ProviderError('unavailable', `the provider's output URL ${err.message}`);
      throw new ProviderError('transient', `the provider's output could not be downloaded: ${(err as Error).name === 'TimeoutError' ? 'it took too long' : 'the connection failed'}`, { cause: err });
    }
  }

  private tooLarge(): ProviderError {
    return new ProviderError('unavailable', `the provider's output is over ${MAX_OUTPUT_BYTES / 1024 / 1024} MB`);
  }
}

/** The type and size an image's header says; what has none is not an image. */
function headerOf(data: Buffer): { type?: string; width: number; height: number } {
  try {
    return imageSize(data);
  } catch {
    throw new ProviderError('transient', 'the provider answered something that is not an image');
  }
}
