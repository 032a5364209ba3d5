import { Injectable } from '@nestjs/common';

interface RouteEntry {
  method: string;
  url: string;
  pattern: RegExp;
}

/** Operator routes must look absent to everyone else, so a wrong method there is a plain 404. */
const HIDDEN_PREFIXES = ['/api/v1/admin/'];

/**
 * Every route Fastify registered, so an unknown method on a known path can answer 405 with
 * an Allow header instead of a bare 404.
 */
@Injectable()
export class RouteTable {
  private readonly routes: RouteEntry[] = [];

  add(method: string | string[], url: string): void {
    if (HIDDEN_PREFIXES.some((p) => `${url}/`.startsWith(p))) return;
    const source = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+');
    for (const m of [method].flat()) {
      if (m === 'HEAD' || m === 'OPTIONS') continue;
      this.routes.push({ method: m, url, pattern: new RegExp(`^${source}/?$`) });
    }
  }

  methodsFor(path: string): string[] {
    return [...new Set(this.routes.filter((r) => r.pattern.test(path)).map((r) => r.method))];
  }

  all(): { method: string; url: string }[] {
    return this.routes.map(({ method, url }) => ({ method, url }));
  }
}
