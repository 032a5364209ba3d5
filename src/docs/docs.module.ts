import { Global, Module } from '@nestjs/common';
import { ApiDocs } from './api-docs';
import { DocsController } from './docs.controller';

@Global()
@Module({ controllers: [DocsController], providers: [ApiDocs], exports: [ApiDocs] })
export class DocsModule {}
