import { Body, Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, RequireScope, WorkRequest } from '../auth/access.decorators';
import type { RequestAuth } from '../auth/principal';
import { OpenAiGenerationDto, OpenAiImagesResponseDto } from './openai-compat.dto';
import { OpenAiCompatService } from './openai-compat.service';
import { IdempotencyInterceptor } from '../jobs/idempotency.interceptor';

/** OpenAI's images API shape, so the official `openai` SDK works with only a baseURL change. */
@ApiTags('OpenAI-compatible')
@Controller('v1/images')
export class OpenAiCompatController {
  constructor(private readonly compat: OpenAiCompatService) {}

  @Post('generations')
  @HttpCode(200)
  @RequireScope('images:generate')
  @UseInterceptors(IdempotencyInterceptor)
  @WorkRequest({ units: (body) => Number((body as { n?: number } | undefined)?.n ?? 1) || 1 })
  @ApiOperation({ summary: 'OpenAI-compatible image generation (synchronous, up to 60 s)' })
  @ApiOkResponse({ type: OpenAiImagesResponseDto })
  createOpenAiGeneration(@Auth() auth: RequestAuth, @Body() dto: OpenAiGenerationDto): Promise<OpenAiImagesResponseDto> {
    return this.compat.generate(auth, dto);
  }
}
