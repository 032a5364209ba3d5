import { Injectable } from '@nestjs/common';
import { OutboundHttp } from '../common/net/outbound-http';
import { UrlNotAllowed } from '../common/net/url-guard';
import { ProviderError } from '../plugins/provider-error';
import type { VideoOutput } from '../plugins/provider-operations';
import { FileStore } from '../storage/file-store';

/** Longer videos than providers make today (a 10 s 1080p MP4 is some 20 MB) fit well within this. */
export const MAX_VIDEO_BYTES = 512 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
/** What Darkroom stores and serves as a video: a video file, or an animated image (aura's WebP). */
const VIDEO_MIME = /^(video\/[\w.+-]+|image\/(webp|gif))$/;

/** What a stored video holds, as far as the provider said. */
export interface StoredVideo {
  bytes: number;
  mimeType: string;
  durationSeconds?: number;
  width?: number;
  height?: number;
}

/**
 * Stores a provider's video, encrypted, as a stream: a file handed over is streamed in; one at a URL
 * is downloaded through the outbound client (the address policy, except on the provider's own
 * configured origin; the job's signal) within MAX_VIDEO_BYTES. Nothing is left under the key when it fails.
 */
@Injectable()
export class VideoFiles {
  constructor(private readonly http: OutboundHttp, private readonly files: FileStore) {}

  async store(storageKey: string, output: VideoOutput, trustedOrigin: string | null, signal: AbortSignal): Promise<StoredVideo> {
    if ('stream' in output) {
      const mimeType = videoMime(output.mimeType);
      const bytes = await this.files.putStream(storageKey, bounded(output.stream));
      return { bytes, mimeType, durationSeconds: output.durationSeconds, width: output.width, height: output.height };
    }
    try {
      const response = await this.http.send(output.url, { method: 'GET', timeoutMs: DOWNLOAD_TIMEOUT_MS, followRedirects: true, signal, trusted: (u) => u.origin === trustedOrigin });
      if (response.status !== 200 || !response.body) {
        await response.body?.cancel();
        throw new ProviderError('transient', `the provider's video could not be downloaded: ${response.status}`);
      }
      if (Number(response.headers.get('content-length') ?? 0) > MAX_VIDEO_BYTES) {
        await response.body.cancel();
        throw tooLarge();
      }
      const mimeType = videoMime(output.mimeType ?? response.headers.get('content-type')?.split(';')[0].trim() ?? '');
      const bytes = await this.files.putStream(storageKey, bounded(response.body));
      return { bytes, mimeType, durationSeconds: output.durationSeconds };
    } catch (err) {
      signal.throwIfAborted();
      if (err instanceof ProviderError) throw err;
      if (err instanceof UrlNotAllowed) throw new ProviderError('unavailable', `the provider's video URL ${err.message}`);
      throw new ProviderError('transient', `the provider's video could not be downloaded: ${(err as Error).name === 'TimeoutError' ? 'it took too long' : 'the connection failed'}`, { cause: err });
    }
  }
}

function videoMime(mimeType: string): string {
  if (!VIDEO_MIME.test(mimeType)) throw new ProviderError('unavailable', `the provider answered ${mimeType || 'a file of no type'} where a video was asked`);
  return mimeType;
}

/** Stops the copy as soon as it passes MAX_VIDEO_BYTES, whatever Content-Length claimed. */
async function* bounded(stream: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.length;
    if (total > MAX_VIDEO_BYTES) throw tooLarge();
    yield chunk;
  }
}

function tooLarge(): ProviderError {
  return new ProviderError('unavailable', `the provider's video is over ${MAX_VIDEO_BYTES / 1024 / 1024} MB`);
}
