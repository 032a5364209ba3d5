import { Injectable } from '@nestjs/common';
import { CreditsService } from '../credits/credits.service';
import { orgIdOf, type RequestAuth } from '../tenancy/principal';
import { JobRequests } from './job-requests';
import { JobSubmitter, type Quoted } from './job-submitter';
import type { QuoteDto, QuoteItemDto, QuoteTargetDto } from './quotes.dto';

/**
 * POST /api/v1/quotes: a body of POST /api/v1/jobs checked and priced as submitting it would be
 * (JobRequests, then each operation's own prepare through JobSubmitter), with nothing spent.
 */
@Injectable()
export class QuotesService {
  constructor(private readonly requests: JobRequests, private readonly submitter: JobSubmitter, private readonly credits: CreditsService) {}

  async quote(auth: RequestAuth, body: unknown, form: boolean): Promise<QuoteDto> {
    const { requests, batch } = await this.requests.check(auth, body, form);
    const quoted = await this.submitter.quote(auth, requests, batch);
    const credits = quoted.reduce((sum, q) => sum + q.price, 0);
    const creditsBalance = await this.credits.balance(orgIdOf(auth));
    return { credits, creditsBalance, enough: creditsBalance >= credits, items: quoted.map((q, i) => item(requests[i].operation, q)) };
  }
}

/** The route is what the operation wrote on the job's input: generations and edits name their provider and model. */
function item(operation: string, { job, price, reason }: Quoted): QuoteItemDto {
  const { provider, model, fallback } = job.input;
  const route = typeof provider === 'string' && typeof model === 'string' ? { route: { provider, model, ...(Array.isArray(fallback) ? { fallback: fallback as QuoteTargetDto[] } : {}) } } : {};
  return { operation, credits: price, reason, ...route };
}
