import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CursorQueryDto } from '../common/pagination';
import type { JobStatus } from './job.entity';

const JOB_STATUSES: JobStatus[] = ['queued', 'processing', 'completed', 'failed', 'canceled'];
const WEBHOOK_SECRET_DESCRIPTION = "The organisation's default webhook secret, in the response of the request that created it (the first with a webhookUrl) only";

export class JobQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ description: 'A job type (unknown ones answer 400)' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  type?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;
}

/** A file a job made: what JobDto.outputs lists for the job types that make images. */
export class ImageOutputDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Signed download link, valid for FILE_LINK_TTL_SECONDS' }) url!: string;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty() format!: string;
  @ApiProperty() bytes!: number;
  @ApiPropertyOptional({ enum: ['generated', 'library'], description: 'Generations and edits: made by a provider, or answered from the asset library (library first)' }) source?: 'generated' | 'library';
  @ApiPropertyOptional({ description: 'Present, and true, only on what a test API key made (rendered by aura, free); see docs/authentication.md' }) test?: boolean;
}

/** A video a job made: what JobDto.outputs lists for video jobs. */
export class VideoOutputDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Signed download link, valid for FILE_LINK_TTL_SECONDS' }) url!: string;
  @ApiProperty({ example: 'video/mp4', description: 'image/webp (an animated WebP) from aura' }) mimeType!: string;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty() durationSeconds!: number;
  @ApiProperty() bytes!: number;
  @ApiPropertyOptional({ description: 'Present, and true, only on what a test API key made (rendered by aura, free); see docs/authentication.md' }) test?: boolean;
}

export type JobOutputDto = ImageOutputDto | VideoOutputDto;

export class JobErrorDto {
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
}

export class JobProgressDto {
  @ApiProperty({ description: 'Batches: children that have ended (completed, failed or canceled). Other jobs: the units of work done (a sync: products; a scan: images)' }) done!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The units in all; null while not yet known (a sync before the store\'s last page)' }) total!: number | null;
}

export class ProviderCostDto {
  @ApiProperty() amount!: number;
  @ApiProperty({ example: 'USD', description: "The provider's currency: USD, or its own credits (stability-credits)" }) currency!: string;
}

/** One try of one routing target: what GET /api/v1/jobs/:id lists in `steps`. */
export class JobStepDto {
  @ApiProperty() provider!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ enum: ['platform', 'byok'], description: "Whose key it ran on: the installation's, or the organisation's own" }) keySource!: string;
  @ApiProperty({ description: "The job's run it belongs to (1 for the first)" }) attempt!: number;
  @ApiProperty({ enum: ['succeeded', 'failed', 'skipped'], description: 'skipped: passed over without a call (its circuit open, no key for it)' }) status!: string;
  @ApiProperty({ type: JobErrorDto, nullable: true }) error!: JobErrorDto | null;
  @ApiProperty({ type: String, nullable: true, description: "The provider's id of the request, for its support" }) requestId!: string | null;
  @ApiProperty() latencyMs!: number;
  @ApiProperty({ type: ProviderCostDto, nullable: true, description: 'What the provider charged or lists for it, in its own currency' }) providerCost!: ProviderCostDto | null;
  @ApiProperty({ description: 'Credits charged for this step' }) credits!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class JobChildDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: JOB_STATUSES }) status!: string;
}

export class BatchSummaryDto {
  @ApiProperty() completed!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() canceled!: number;
}

@ApiExtraModels(ImageOutputDto, VideoOutputDto)
export class JobDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'What the job does: an operation, or batch' }) type!: string;
  @ApiProperty({ enum: JOB_STATUSES }) status!: string;
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ $ref: getSchemaPath(ImageOutputDto) }, { $ref: getSchemaPath(VideoOutputDto) }] },
    description: 'Completed jobs: the files they made, images (with format) or, for videos.generate, videos (with mimeType and durationSeconds)',
  })
  outputs!: JobOutputDto[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Completed studio jobs: what the operation reported beside its image: `steps` (each step run, with its milliseconds) and, with a preset or for compliance, `compliance` (per slot, as POST /api/v1/compliance answers)',
  })
  report?: Record<string, unknown>;
  @ApiProperty({ description: 'Credits charged (held while running, 0 unless completed)' }) cost!: number;
  @ApiPropertyOptional({ type: [JobStepDto], description: 'Jobs that call providers: each try of each routing target, in order (fallbacks included)' }) steps?: JobStepDto[];
  @ApiProperty({ type: JobErrorDto, nullable: true }) error!: JobErrorDto | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, nullable: true }) metadata!: Record<string, string> | null;
  @ApiPropertyOptional({ description: 'Processing jobs only: true once a cancel was asked; the job then stops and ends canceled, its credits released' })
  cancelRequested?: boolean;
  @ApiProperty({ type: String, nullable: true, description: "The end user it was made for: the client token's sub, or the x-user-id header" }) endUserId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The client token's limits.sku, when a client token created it" }) sku!: string | null;
  @ApiPropertyOptional({ description: 'Present, and true, only on a test job: made with a test API key (or a batch child of one), rendered by aura whatever provider it names, free, its outputs marked test' })
  test?: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
  @ApiPropertyOptional({ description: "The job's own webhook URL, if it has one" }) webhookUrl?: string;
  @ApiPropertyOptional({ description: WEBHOOK_SECRET_DESCRIPTION }) webhookSecret?: string;
  @ApiPropertyOptional({ description: 'Children of a batch: the batch' }) parentId?: string;
  @ApiPropertyOptional({ type: JobProgressDto, description: 'Batches: how many children have ended; long jobs (a sync): how far they have got' }) progress?: JobProgressDto;
  @ApiPropertyOptional({ type: [JobChildDto], description: "Batches: each child's id and status, in the order of the request's items" }) children?: JobChildDto[];
  @ApiPropertyOptional({ type: BatchSummaryDto, description: 'Batches, once ended: their children by final status' }) summary?: BatchSummaryDto;
}

export class JobAcceptedDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: JOB_STATUSES }) status!: string;
  @ApiProperty({ description: 'Seconds the job is expected to take' }) estimatedTime!: number;
  @ApiProperty() creditsBalance!: number;
  @ApiPropertyOptional({ description: WEBHOOK_SECRET_DESCRIPTION }) webhookSecret?: string;
}

export class JobPageDto {
  @ApiProperty({ type: [JobDto] }) data!: JobDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export const MAX_BATCH_ITEMS = 100;

/** An item of a batch: an operation and its fields. */
export class JobItemDto {
  @ApiProperty({ example: 'images.generate', description: "An operation (see JobCreateDto.operation); the operation's own fields go beside it" })
  operation!: string;
}

/**
 * The body of POST /api/v1/jobs, as the OpenAPI document shows it. The service checks it: `operation`
 * and `webhookUrl` here, the operation's own fields with the operation's DTO.
 */
export class JobCreateDto {
  @ApiPropertyOptional({
    example: 'images.generate',
    description: "What to do. The operation's own fields go beside it, as its own route takes them; give items instead for a batch",
  })
  operation?: string;

  @ApiPropertyOptional({ type: [JobItemDto], minItems: 1, maxItems: MAX_BATCH_ITEMS, description: `A batch: 1 to ${MAX_BATCH_ITEMS} operations, each with its fields; a parent job of type batch holds a child job per item` })
  items?: JobItemDto[];

  @ApiPropertyOptional({
    example: 'https://example.com/hooks/job-done',
    maxLength: 2048,
    description: "Receives the job's final event (a batch's, once: its children send none), signed with the organisation's default webhook secret. Must resolve to a public address",
  })
  webhookUrl?: string;
}

/** The multipart form of POST /api/v1/jobs, for the OpenAPI document: an operation that takes files (images.edit), its fields as form fields. */
export class JobFormDto {
  @ApiProperty({ example: 'images.edit', description: 'An operation that takes forms; its fields go beside it as form fields' })
  operation!: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'binary' }, description: 'The image files the operation takes (images.edit: 1 or 2)' })
  images?: unknown[];

  @ApiPropertyOptional({ maxLength: 2048, description: "Receives the job's final event" })
  webhookUrl?: string;
}

/**
 * The OpenAPI document lists the job types and operations the modules registered, known only once
 * JobRegistry has found them: their enums are written onto these DTOs' documentation then.
 */
export function documentJobKinds(types: string[], operations: string[], formOperations: string[]): void {
  ApiProperty({ enum: types })(JobDto.prototype, 'type');
  ApiPropertyOptional({ enum: types })(JobQueryDto.prototype, 'type');
  ApiPropertyOptional({ enum: operations })(JobCreateDto.prototype, 'operation');
  ApiProperty({ enum: operations })(JobItemDto.prototype, 'operation');
  ApiProperty({ enum: formOperations })(JobFormDto.prototype, 'operation');
}
