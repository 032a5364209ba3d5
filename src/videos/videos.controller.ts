import { Readable } from 'node:stream';
import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IdParam } from '../common/http/id-param';
import { Auth, Public, RequireScope } from '../tenancy/access.decorators';
import type { RequestAuth } from '../tenancy/principal';
import { HeldIdempotencyKey } from '../jobs/idempotency.interceptor';
import { answerJob, JobRoute } from '../jobs/job-route';
import type { JobAcceptedDto, JobDto } from '../jobs/jobs.dto';
import { VideoGenerationService } from './video-generation.service';
import { VideoCreateDto, VideoDto } from './videos.dto';
import { VideosService } from './videos.service';

@ApiTags('Videos')
@Controller('api/v1/videos')
export class VideosController {
  constructor(private readonly generation: VideoGenerationService, private readonly videos: VideosService) {}

  @Post('generations')
  @RequireScope('videos:generate')
  @ApiOperation({ summary: 'Generate a video from a prompt (and a first frame): always a job, answered 202 at once; poll GET /api/v1/jobs/:id or give a webhookUrl' })
  @JobRoute(() => 1)
  async createVideo(
    @Auth() auth: RequestAuth,
    @Body() dto: VideoCreateDto,
    @HeldIdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobAcceptedDto | JobDto> {
    return answerJob(reply, undefined, await this.generation.create(auth, dto, idempotencyKey));
  }

  /** The token is the credential: signed and expiring, so no API key is needed (<video src>). */
  @Get('files/:token')
  @Public({ throttled: false })
  @ApiOperation({ summary: 'Download a video through a signed, expiring link' })
  @ApiProduces('video/mp4', 'video/webm', 'image/webp')
  @ApiOkResponse({ description: 'The video bytes; 410 expired once the link is past its expiry, 404 for a bad token' })
  async downloadVideo(@Param('token') token: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const { video, stream, expiresAt } = await this.videos.download(token);
    const etag = `"${video.id}"`;
    const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    void reply.header('etag', etag).header('cache-control', `private, max-age=${maxAge}, immutable`);
    if (ifNoneMatch === etag) {
      Readable.from(stream).destroy();
      return void reply.status(304).send();
    }
    void reply.header('content-type', video.mimeType).header('content-length', video.bytes).send(Readable.from(stream));
  }

  @Get(':videoId')
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'Get a video with a fresh download link' })
  @ApiOkResponse({ type: VideoDto })
  getVideo(@Auth() auth: RequestAuth, @IdParam('videoId', 'Video') videoId: string): Promise<VideoDto> {
    return this.videos.get(auth, videoId);
  }
}
