import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { OutboundHttp } from '../common/net/outbound-http';
import { UrlNotAllowed } from '../common/net/url-guard';

const TIMEOUT_MS = 15_000;

/** Downloads a source image from a customer's URL, through the client that refuses private addresses. */
@Injectable()
export class SourceDownloader {
  constructor(private readonly http: OutboundHttp) {}

  async fetch(url: string, field: string, maxBytes: number): Promise<Buffer> {
    try {
      const response = await this.http.send(url, { method: 'GET', timeoutMs: TIMEOUT_MS, followRedirects: true });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new AppError('unprocessable_image', `${field} could not be downloaded: the server answered ${response.status}`, { field });
      }
      if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
        await response.body?.cancel();
        throw this.tooLarge(field, maxBytes);
      }
      return await this.readAtMost(response.body, field, maxBytes);
    } catch (err) {
      if (err instanceof UrlNotAllowed) throw err.toAppError(field);
      if (err instanceof AppError) throw err;
      throw new AppError('unprocessable_image', `${field} could not be downloaded: ${(err as Error).name === 'TimeoutError' ? 'it took too long' : 'the connection failed'}`, { field });
    }
  }

  /** Stops reading as soon as the body passes the limit, whatever Content-Length claimed. */
  private async readAtMost(body: ReadableStream<Uint8Array> | null, field: string, maxBytes: number): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of body ?? []) {
      total += chunk.length;
      if (total > maxBytes) throw this.tooLarge(field, maxBytes);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  private tooLarge(field: string, maxBytes: number): AppError {
    return new AppError('payload_too_large', `${field} is over ${maxBytes / 1024 / 1024} MB`, { field });
  }
}
