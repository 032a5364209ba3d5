import { Controller, Get } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../tenancy/access.decorators';
import { ApiDocs } from './api-docs';

@ApiTags('Documentation')
@Controller('api/v1')
export class DocsController {
  constructor(private readonly docs: ApiDocs) {}

  @Get('openapi')
  @Public({ throttled: false })
  @ApiExcludeEndpoint()
  getOpenApi(): object {
    return this.docs.openapi();
  }

  @Get('postman')
  @Public({ throttled: false })
  @ApiOperation({ summary: 'This API as a Postman collection' })
  @ApiOkResponse({ description: 'A Postman v2.1 collection generated from the OpenAPI document' })
  getPostmanCollection(): Promise<object> {
    return this.docs.postmanCollection();
  }
}
