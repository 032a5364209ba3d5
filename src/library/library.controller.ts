import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IdParam } from '../common/http/id-param';
import { Auth, OrgId, Public, RequireScope } from '../tenancy/access.decorators';
import type { RequestAuth } from '../tenancy/principal';
import { LibraryAssetDto, LibraryPromoteDto, LibrarySearchPageDto, LibrarySearchQueryDto } from './library.dto';
import { LibraryService } from './library.service';

/** The organisation's view of the library: the installation's assets and its own. */
@ApiTags('Library')
@Controller('api/v1/library')
export class LibraryController {
  constructor(private readonly library: LibraryService) {}

  @Get('search')
  @RequireScope('library:read')
  @ApiOperation({ summary: 'Search the installation’s library and your organisation’s: ranked by relevance to q, else newest first' })
  @ApiOkResponse({ type: LibrarySearchPageDto })
  searchLibrary(@OrgId() orgId: string, @Query() query: LibrarySearchQueryDto): Promise<LibrarySearchPageDto> {
    return this.library.search(orgId, query);
  }

  @Post('assets')
  @RequireScope('library:write')
  @ApiOperation({ summary: 'Add one of your gallery images to your organisation’s library (its file is copied)' })
  @ApiCreatedResponse({ type: LibraryAssetDto })
  promoteToLibrary(@Auth() auth: RequestAuth, @OrgId() orgId: string, @Body() dto: LibraryPromoteDto): Promise<LibraryAssetDto> {
    return this.library.promote(auth, orgId, dto);
  }

  @Delete('assets/:id')
  @RequireScope('library:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an asset from your organisation’s library (the installation’s are the operators’)' })
  @ApiNoContentResponse({ description: 'Deleted, file and all' })
  deleteLibraryAsset(@Auth() auth: RequestAuth, @OrgId() orgId: string, @IdParam('id', 'Library asset') id: string): Promise<void> {
    return this.library.removeOwn(auth, orgId, id);
  }

  /** The token is the credential, as for gallery images: signed and expiring. */
  @Get('files/:token')
  @Public({ throttled: false })
  @ApiOperation({ summary: 'Download a library asset through a signed, expiring link' })
  @ApiProduces('image/png', 'image/jpeg', 'image/webp', 'image/avif', 'video/mp4', 'video/webm')
  @ApiOkResponse({ description: 'The file’s bytes; 410 once the link is past its expiry, 404 for a bad token' })
  async downloadLibraryFile(@Param('token') token: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const { asset, data, expiresAt } = await this.library.download(token);
    const etag = `"${asset.id}"`;
    const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    void reply.header('etag', etag).header('cache-control', `private, max-age=${maxAge}, immutable`);
    if (ifNoneMatch === etag) return void reply.status(304).send();
    void reply.header('content-type', asset.mimeType).header('content-length', data.length).send(data);
  }
}
