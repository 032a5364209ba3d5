import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Agent, fetch, type BodyInit, type Response } from 'undici';
import { isPublicAddress } from './address-policy';
import { UrlGuard, UrlNotAllowed } from './url-guard';

const MAX_REDIRECTS = 3;

export interface OutboundRequest {
  method: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  timeoutMs: number;
  /** Webhooks treat a redirect as a failed delivery; image downloads follow a few, each checked again. */
  followRedirects: boolean;
  /** Aborts the request (a cancelled job), besides the timeout. */
  signal?: AbortSignal;
  /**
   * Whether a URL skips the address policy: only for addresses the operator configured (a provider's
   * baseUrl, which may well be on a private network). Asked again for each redirect.
   */
  trusted?: (url: URL) => boolean;
}

/**
 * A DNS lookup that refuses private addresses where the socket is opened, so a host that resolved to
 * a public address when checked and to 127.0.0.1 a moment later (DNS rebinding) is still refused.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 4);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) return callback(new UrlNotAllowed('private_address', `${hostname} resolved to ${refused.address} at connect time`), '', 4);
    if ((options as LookupOptions).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/**
 * The one HTTP client for URLs customers give us. Node's global fetch ignores http agents, so this
 * uses undici's own fetch with an Agent whose connect-time lookup enforces the address policy.
 */
@Injectable()
export class OutboundHttp implements OnModuleDestroy {
  private readonly agent: Agent;
  private readonly trustedAgent = new Agent();

  constructor(private readonly guard: UrlGuard) {
    this.agent = new Agent(guard.allowPrivate ? {} : { connect: { lookup: guardedLookup } });
  }

  /** Sends the request; UrlNotAllowed if the URL or any redirect target is refused. */
  async send(rawUrl: string, request: OutboundRequest): Promise<Response> {
    let url = rawUrl;
    for (let hop = 0; ; hop++) {
      const trusted = URL.canParse(url) && (request.trusted?.(new URL(url)) ?? false);
      if (!trusted) await this.guard.check(url);
      const timeout = AbortSignal.timeout(request.timeoutMs);
      const response = await fetch(url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        dispatcher: trusted ? this.trustedAgent : this.agent,
        signal: request.signal ? AbortSignal.any([timeout, request.signal]) : timeout,
      }).catch((err: unknown) => {
        throw unwrapRefusal(err) ?? err;
      });
      const location = response.headers.get('location');
      if (!request.followRedirects || response.status < 300 || response.status >= 400 || !location || hop >= MAX_REDIRECTS) return response;
      await response.body?.cancel();
      url = new URL(location, url).toString();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.agent.close(), this.trustedAgent.close()]);
  }
}

/** undici wraps connect errors as `fetch failed`; find our refusal in the cause chain. */
function unwrapRefusal(err: unknown): UrlNotAllowed | null {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof UrlNotAllowed) return e;
  }
  return null;
}
