import { MikroORM } from '@mikro-orm/core';
import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../tenancy/access.decorators';
import { Metrics } from './metrics';
import { Readiness } from './readiness';

@ApiTags('Operations')
@Controller()
export class OpsController {
  constructor(private readonly orm: MikroORM, private readonly metrics: Metrics, private readonly readiness: Readiness) {}

  @Get('healthz')
  @Public({ throttled: false })
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({ description: 'The process is up', schema: { example: { status: 'ok' } } })
  healthz(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @Public({ throttled: false })
  @ApiOperation({ summary: 'Readiness: the database answers and the node is not draining' })
  @ApiOkResponse({ description: 'The database answers and the node is not shutting down', schema: { example: { status: 'ready', database: 'up' } } })
  @ApiServiceUnavailableResponse({ description: 'Not ready' })
  async readyz(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: string; database: string }> {
    const database = (await this.orm.checkConnection()).ok ? 'up' : 'down';
    const ready = database === 'up' && !this.readiness.draining;
    if (!ready) void reply.status(503);
    return { status: ready ? 'ready' : this.readiness.draining ? 'draining' : 'not_ready', database };
  }

  @Get('metrics')
  @Public({ throttled: false })
  @ApiOperation({ summary: 'Prometheus metrics' })
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format' })
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
