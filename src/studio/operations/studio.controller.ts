import { Body, Controller, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HeldIdempotencyKey } from '../../jobs/idempotency.interceptor';
import type { JobAcceptedDto } from '../../jobs/jobs.dto';
import { Auth, OrgId } from '../../tenancy/access.decorators';
import type { RequestAuth } from '../../tenancy/principal';
import { StudioAnswers } from './studio-answers';
import { BackgroundGenerateFormDto, BackgroundRemoveFormDto, ProcessFormDto, RelightShadowFormDto, UpscaleFormDto } from './studio-forms.dto';
import { StudioJobs } from './studio-jobs';
import { BackgroundGenerateDto, BackgroundRemoveDto, RelightShadowDto, UpscaleDto } from './studio-operations.dto';
import type { StudioOperation } from './studio-operations';
import { STUDIO_FORM_NUMBERS } from './studio-requests';
import { ProcessDto, StudioResultDto } from './studio.dto';
import { StudioRoute } from './studio-route';

type Answer = Promise<StudioResultDto | JobAcceptedDto>;

/** The studio's image operations, one job each (also through POST /api/v1/jobs); docs/studio.md. */
@Controller('api/v1')
export class StudioController {
  constructor(private readonly jobs: StudioJobs, private readonly answers: StudioAnswers) {}

  @Post('process')
  @StudioRoute('Make a product photo marketplace-ready: background removed, reframed, on white (or as asked), encoded under a size; with a preset, its compliance report', StudioResultDto, ProcessFormDto, STUDIO_FORM_NUMBERS.process)
  process(@Auth() auth: RequestAuth, @OrgId() orgId: string, @Body() dto: ProcessDto, @HeldIdempotencyKey() key: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Answer {
    return this.run(auth, orgId, 'process', dto, key, reply);
  }

  @Post('backgrounds/remove')
  @StudioRoute('Cut the subject out: a PNG with alpha, or the mask alone', StudioResultDto, BackgroundRemoveFormDto, STUDIO_FORM_NUMBERS['backgrounds.remove'])
  removeBackground(@Auth() auth: RequestAuth, @OrgId() orgId: string, @Body() dto: BackgroundRemoveDto, @HeldIdempotencyKey() key: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Answer {
    return this.run(auth, orgId, 'backgrounds.remove', dto, key, reply);
  }

  @Post('backgrounds/generate')
  @StudioRoute('Place the product on a new background: generated from a prompt, or a drawn preset', StudioResultDto, BackgroundGenerateFormDto, STUDIO_FORM_NUMBERS['backgrounds.generate'])
  generateBackground(@Auth() auth: RequestAuth, @OrgId() orgId: string, @Body() dto: BackgroundGenerateDto, @HeldIdempotencyKey() key: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Answer {
    return this.run(auth, orgId, 'backgrounds.generate', dto, key, reply);
  }

  @Post('relight/shadow')
  @StudioRoute('Cast a shadow under the product and normalise its exposure and white balance (procedural)', StudioResultDto, RelightShadowFormDto, STUDIO_FORM_NUMBERS['relight.shadow'])
  relight(@Auth() auth: RequestAuth, @OrgId() orgId: string, @Body() dto: RelightShadowDto, @HeldIdempotencyKey() key: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Answer {
    return this.run(auth, orgId, 'relight.shadow', dto, key, reply);
  }

  @Post('upscale')
  @StudioRoute('Upscale 2x or 4x: Lanczos3 with sharpening, or a provider with the upscale capability', StudioResultDto, UpscaleFormDto, STUDIO_FORM_NUMBERS.upscale)
  upscale(@Auth() auth: RequestAuth, @OrgId() orgId: string, @Body() dto: UpscaleDto, @HeldIdempotencyKey() key: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Answer {
    return this.run(auth, orgId, 'upscale', dto, key, reply);
  }

  private async run(auth: RequestAuth, orgId: string, operation: StudioOperation, dto: object, key: string | undefined, reply: FastifyReply): Answer {
    return this.answers.result(orgId, reply, await this.jobs.submit(auth, operation, dto, key));
  }
}
