import { Injectable, OnModuleInit, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_METADATA, type RouteAccess } from '../tenancy/access.decorators';

export interface RouteAccessEntry {
  method: string;
  path: string;
  handler: string;
  access: RouteAccess | null;
}

/**
 * Walks every controller route at start-up and refuses to start if one declares no access (scope,
 * public, ...). The same listing backs the route-scope snapshot test.
 */
@Injectable()
export class RouteAccessAudit implements OnModuleInit {
  constructor(private readonly discovery: DiscoveryService, private readonly scanner: MetadataScanner, private readonly reflector: Reflector) {}

  onModuleInit(): void {
    const undeclared = this.list().filter((r) => !r.access);
    if (undeclared.length) {
      throw new Error(`Routes without an access declaration (@RequireScope, @Public, ...): ${undeclared.map((r) => `${r.method} ${r.path} (${r.handler})`).join('; ')}`);
    }
  }

  list(): RouteAccessEntry[] {
    const routes: RouteAccessEntry[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance) continue;
      const controller = instance.constructor;
      const base = String(this.reflector.get<string>(PATH_METADATA, controller) ?? '');
      for (const name of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const handler = (instance as Record<string, unknown>)[name] as object;
        const path = this.reflector.get<string | undefined>(PATH_METADATA, handler as never);
        if (path === undefined) continue;
        const method = RequestMethod[this.reflector.get<RequestMethod>(METHOD_METADATA, handler as never)];
        const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [handler as never, controller]) ?? null;
        const full = `/${[base, path].map((p) => p.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;
        routes.push({ method, path: full, handler: `${controller.name}.${name}`, access });
      }
    }
    return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }
}
