import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { AppError } from '../errors/app-error';
import { isPublicAddress } from './address-policy';

const MAX_URL_LENGTH = 2048;

/** Why a URL was refused, for the caller's error and the delivery log. */
export class UrlNotAllowed extends Error {
  constructor(readonly reason: 'scheme' | 'malformed' | 'private_address' | 'unresolvable', message: string) {
    super(message);
  }

  toAppError(field: string): AppError {
    return new AppError('url_not_allowed', `${field}: ${this.message}`, { field, reason: this.reason });
  }
}

/**
 * Checks a URL the platform will call (webhooks, source images): http(s) only, and every address its
 * host resolves to must be public unless ALLOW_PRIVATE_URLS. This check answers the caller early; the
 * outbound client checks again at connect time, where DNS rebinding is caught.
 */
@Injectable()
export class UrlGuard {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get allowPrivate(): boolean {
    return this.config.allowPrivateUrls;
  }

  /** The parsed URL, or UrlNotAllowed. */
  async check(raw: string): Promise<URL> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new UrlNotAllowed('malformed', 'is not a valid URL');
    }
    if (raw.length > MAX_URL_LENGTH) throw new UrlNotAllowed('malformed', `is longer than ${MAX_URL_LENGTH} characters`);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UrlNotAllowed('scheme', 'must be an http or https URL');
    if (url.username || url.password) throw new UrlNotAllowed('malformed', 'must not carry a user name or password');
    if (this.allowPrivate) return url;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : await this.resolve(host);
    const refused = addresses.find((a) => !isPublicAddress(a));
    if (refused) throw new UrlNotAllowed('private_address', `resolves to ${refused}, a loopback, private, link-local or reserved address`);
    return url;
  }

  /** As check(), answering 400 url_not_allowed naming the field. */
  async assertAllowed(raw: string, field: string): Promise<URL> {
    try {
      return await this.check(raw);
    } catch (err) {
      throw err instanceof UrlNotAllowed ? err.toAppError(field) : err;
    }
  }

  private async resolve(host: string): Promise<string[]> {
    try {
      return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new UrlNotAllowed('unresolvable', `host ${host} does not resolve`);
    }
  }
}
