import { applyDecorators, HttpCode, UseInterceptors, type Type } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AcceptsMultipart } from '../../common/http/multipart-form';
import { IdempotencyInterceptor } from '../../jobs/idempotency.interceptor';
import { JobAcceptedDto } from '../../jobs/jobs.dto';
import { RequireScope, WorkRequest } from '../../tenancy/access.decorators';

/**
 * What every studio route shares: the studio:process scope, one unit of work, Idempotency-Key, the
 * source as JSON or as the form file `image` (`numbers`: the form fields that hold numbers), and its
 * two answers: 200 with `ok` (one of them, when a list) when its job finished within STUDIO_WAIT_SECONDS, else 202.
 */
export const StudioRoute = (summary: string, ok: Type | Type[], form: Type, numbers: string[]) =>
  applyDecorators(
    ...(Array.isArray(ok) ? [ApiExtraModels(...ok)] : []),
    HttpCode(200),
    ApiTags('Studio'),
    RequireScope('studio:process'),
    WorkRequest(),
    UseInterceptors(IdempotencyInterceptor),
    AcceptsMultipart({ sources: 'image', numbers, json: ['margin', 'fix', 'slots'] }, form),
    ApiOperation({ summary }),
    Array.isArray(ok)
      ? ApiOkResponse({ schema: { oneOf: ok.map((type) => ({ $ref: getSchemaPath(type) })) }, description: 'The answer, or with fix the fixed image too (when its job finished within STUDIO_WAIT_SECONDS)' })
      : ApiOkResponse({ type: ok, description: 'The job finished within STUDIO_WAIT_SECONDS' }),
    ApiAcceptedResponse({ type: JobAcceptedDto, description: 'Still running: poll GET /api/v1/jobs/:id' }),
  );
