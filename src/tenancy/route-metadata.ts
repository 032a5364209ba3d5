import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_METADATA, WORK_METADATA, type RouteAccess, type WorkOptions } from './access.decorators';

export interface RouteMetadata {
  access: RouteAccess;
  work: WorkOptions | undefined;
}

/** A route's access and work declarations, read once per handler rather than on every request. */
@Injectable()
export class RouteMetadataReader {
  private readonly byHandler = new WeakMap<object, RouteMetadata>();

  constructor(private readonly reflector: Reflector) {}

  of(ctx: ExecutionContext): RouteMetadata {
    const handler = ctx.getHandler();
    let meta = this.byHandler.get(handler);
    if (!meta) {
      const targets = [handler, ctx.getClass()];
      const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, targets);
      // RouteAccessAudit refuses to start with such a route, so this only guards against a bypass.
      if (!access) throw new Error(`route ${ctx.getClass().name}.${handler.name} declares no access`);
      meta = { access, work: this.reflector.getAllAndOverride<WorkOptions | undefined>(WORK_METADATA, targets) };
      this.byHandler.set(handler, meta);
    }
    return meta;
  }
}
