import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptsMultipart, SentAsForm } from '../common/http/multipart-form';
import { Auth, InOrganization } from '../tenancy/access.decorators';
import type { RequestAuth } from '../tenancy/principal';
import { JobCreateDto, JobFormDto } from './jobs.dto';
import { QuoteDto } from './quotes.dto';
import { QuotesService } from './quotes.service';

@ApiTags('Jobs')
@Controller('api/v1/quotes')
export class QuotesController {
  constructor(private readonly quotes: QuotesService) {}

  @Post()
  @InOrganization()
  @HttpCode(200)
  @ApiOperation({
    summary: 'What a job body would cost and where it would go, with nothing spent',
    description: 'Takes any body POST /api/v1/jobs takes (needs each operation\'s scope) and checks it the same way, with the same errors; creates no job, reserves no credits and counts nothing against the daily quota. A balance too low answers enough: false, not 402.',
  })
  @ApiBody({ type: JobCreateDto })
  @AcceptsMultipart({ sources: 'images' }, JobFormDto)
  @ApiOkResponse({ type: QuoteDto })
  quote(@Auth() auth: RequestAuth, @Body() body: unknown, @SentAsForm() form: boolean): Promise<QuoteDto> {
    return this.quotes.quote(auth, body, form);
  }
}
