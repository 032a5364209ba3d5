import { Controller, Get, Param, Redirect, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../tenancy/access.decorators';
import { ConsoleFiles } from './console-files';

/**
 * The web console at /console: static files, not API operations, so kept out of the OpenAPI
 * document; public (the app signs in through the API) and unthrottled (a page load fetches
 * several files).
 */
@ApiExcludeController()
@Controller()
export class ConsoleController {
  constructor(private readonly files: ConsoleFiles) {}

  @Get()
  @Public({ throttled: false })
  @Redirect('/console', 302)
  openConsole(): void {}

  @Get('console')
  @Public({ throttled: false })
  getConsole(@Res() reply: FastifyReply): Promise<void> {
    return this.files.send(reply, '');
  }

  @Get('console/*')
  @Public({ throttled: false })
  getConsoleFile(@Param('*') path: string, @Res() reply: FastifyReply): Promise<void> {
    return this.files.send(reply, path);
  }
}
