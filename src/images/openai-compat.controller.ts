import { Body, Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, RequireScope, WorkRequest } from '../tenancy/access.decorators';
import type { RequestAuth } from '../tenancy/principal';
import { imagesAsked } from './generation.dto';
import { AcceptsMultipart } from '../common/http/multipart-form';
import { OpenAiEditDto, OpenAiGenerationDto, OpenAiImagesResponseDto } from './openai-compat.dto';
import { OpenAiCompatService, unfinishedInTime } from './openai-compat.service';
import { HeldIdempotencyKey, IdempotencyInterceptor, IdempotentJobAnswer } from '../jobs/idempotency.interceptor';

/** OpenAI's images API shape, so the official `openai` SDK works with only a baseURL change. */
@ApiTags('OpenAI-compatible')
@Controller('v1/images')
export class OpenAiCompatController {
  constructor(private readonly compat: OpenAiCompatService) {}

  @Post('generations')
  @HttpCode(200)
  @RequireScope('images:generate')
  @UseInterceptors(IdempotencyInterceptor)
  @IdempotentJobAnswer(unfinishedInTime)
  @WorkRequest({ units: imagesAsked })
  @ApiOperation({ summary: 'OpenAI-compatible image generation (synchronous, up to 60 s)' })
  @ApiOkResponse({ type: OpenAiImagesResponseDto })
  createOpenAiGeneration(@Auth() auth: RequestAuth, @Body() dto: OpenAiGenerationDto, @HeldIdempotencyKey() idempotencyKey?: string): Promise<OpenAiImagesResponseDto> {
    return this.compat.generate(auth, dto, idempotencyKey);
  }

  @Post('edits')
  @HttpCode(200)
  @RequireScope('images:edit')
  @AcceptsMultipart({ sources: 'image', numbers: ['n'], only: true })
  @UseInterceptors(IdempotencyInterceptor)
  @IdempotentJobAnswer(unfinishedInTime)
  @WorkRequest({ units: imagesAsked })
  @ApiOperation({ summary: 'OpenAI-compatible image edit, a multipart form (synchronous, up to 60 s)' })
  @ApiOkResponse({ type: OpenAiImagesResponseDto })
  createOpenAiEdit(@Auth() auth: RequestAuth, @Body() dto: OpenAiEditDto, @HeldIdempotencyKey() idempotencyKey?: string): Promise<OpenAiImagesResponseDto> {
    return this.compat.edit(auth, dto, idempotencyKey);
  }
}
