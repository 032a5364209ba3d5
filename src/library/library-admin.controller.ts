import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptsMultipart } from '../common/http/multipart-form';
import { IdParam } from '../common/http/id-param';
import { Auth, Operator } from '../tenancy/access.decorators';
import type { RequestAuth } from '../tenancy/principal';
import { LibraryAssetDto, LibraryIngestDto, LibraryIngestFormDto } from './library.dto';
import { LibraryService } from './library.service';

/** Operators curate the installation's library, which every organisation searches; anyone else gets 404. */
@ApiTags('Operators')
@ApiNotFoundResponse({ description: 'Not an operator' })
@Controller('api/v1/admin/library/assets')
export class LibraryAdminController {
  constructor(private readonly library: LibraryService) {}

  @Post()
  @Operator()
  @AcceptsMultipart({ sources: 'file', only: true })
  // A form only: its fields are the document's body, never the JSON shape they are read into.
  @ApiBody({ type: LibraryIngestFormDto })
  @ApiOperation({ summary: 'Add an image or video to the installation’s library (a multipart form)' })
  @ApiCreatedResponse({ type: LibraryAssetDto })
  adminIngestLibraryAsset(@Auth() auth: RequestAuth, @Body() dto: LibraryIngestDto): Promise<LibraryAssetDto> {
    return this.library.ingest(auth, dto);
  }

  @Delete(':id')
  @Operator()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an asset from the installation’s library' })
  @ApiNoContentResponse({ description: 'Deleted, file and all' })
  adminDeleteLibraryAsset(@IdParam('id', 'Library asset') id: string): Promise<void> {
    return this.library.removeInstallationAsset(id);
  }
}
