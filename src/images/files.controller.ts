import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../tenancy/access.decorators';
import { ImagesService } from './images.service';
import { IMAGE_MIME_TYPES } from './image.entity';


@ApiTags('Images')
@Controller('api/v1/files')
export class FilesController {
  constructor(private readonly images: ImagesService) {}

  /** The token is the credential: signed and expiring, so no API key is needed (browsers, <img src>). */
  @Get(':token')
  @Public({ throttled: false })
  @ApiOperation({ summary: 'Download an image through a signed, expiring link' })
  @ApiProduces('image/png', 'image/jpeg', 'image/webp', 'image/avif')
  @ApiOkResponse({ description: 'The image bytes; 410 expired once the link is past its expiry, 404 for a bad token' })
  async downloadFile(@Param('token') token: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const { image, data, expiresAt } = await this.images.download(token);
    const etag = `"${image.id}"`;
    const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    void reply.header('etag', etag).header('cache-control', `private, max-age=${maxAge}, immutable`);
    if (ifNoneMatch === etag) return void reply.status(304).send();
    void reply.header('content-type', IMAGE_MIME_TYPES[image.format] ?? 'application/octet-stream').header('content-length', data.length).send(data);
  }
}
