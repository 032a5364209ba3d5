import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type {} from '@fastify/static';
import { AppError } from '../common/errors/app-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/**
 * The page's policy: scripts, styles, fonts and API calls from this server only (the build inlines
 * nothing), images also from data: and blob: URLs (previews of uploads and outputs), no plugins, no
 * framing, forms post only here.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite names every file under assets/ after a hash of its content: it may be cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current assets, so browsers check it on every load (ETag makes that a 304). */
const REVALIDATE = 'no-cache';

/**
 * Serves the built console (CONSOLE_DIR, dist/console by default): its files as they are, and
 * index.html for every other path, whose screen the app's router then draws (deep links). Read
 * from disk on each request, so a build made while the server runs is served at once.
 */
@Injectable()
export class ConsoleFiles {
  private readonly dir: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.dir = config.console.dir;
  }

  /** `path`: what follows /console/ in the URL, decoded. */
  async send(reply: FastifyReply, path: string): Promise<void> {
    if (!(await this.isFile('index.html'))) throw new AppError('console_not_built', 'The console is not built: run npm run build');
    void reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
    const file = this.safeRelative(path);
    if (file && file !== 'index.html' && (await this.isFile(file))) {
      await reply.header('cache-control', file.startsWith('assets/') ? IMMUTABLE : REVALIDATE).sendFile(file, this.dir, { cacheControl: false, dotfiles: 'deny' });
      return;
    }
    // A missing file must not answer the page: a stale asset URL would get HTML under a script's name.
    if (file === null || file.startsWith('assets/') || posix.basename(file).includes('.')) throw AppError.notFound('Console file');
    await reply.header('cache-control', REVALIDATE).header('content-security-policy', CONSOLE_CSP).sendFile('index.html', this.dir, { cacheControl: false });
  }

  /** The path inside the console's folder, or null for one that tries to leave it or reach a hidden file. */
  private safeRelative(path: string): string | null {
    const segments = path.split('/').filter((s) => s !== '');
    if (segments.some((s) => s.startsWith('.') || s.includes('\\') || s.includes('\0'))) return null;
    return segments.join('/');
  }

  private async isFile(file: string): Promise<boolean> {
    return (await stat(join(this.dir, file)).catch(() => null))?.isFile() ?? false;
  }
}
