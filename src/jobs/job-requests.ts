import { Injectable } from '@nestjs/common';
import { orgIdOf, requireScope, type RequestAuth } from '../tenancy/principal';
import { AppError } from '../common/errors/app-error';
import { formFieldsAs } from '../common/http/multipart-form';
import { jsonRefusal } from '../common/http/request-bounds';
import { validateBody } from '../common/validation';
import { OrgDirectory } from '../tenancy/org-directory';
import { UsageService } from '../throttling/usage.service';
import { JobRegistry, type RegisteredOperation } from './job-registry';
import { atItem, JobSubmitter, type JobRequest, type Submitted } from './job-submitter';
import { MAX_BATCH_ITEMS } from './jobs.dto';

const MAX_WEBHOOK_URL = 2048;
const invalid = (field: string, message: string, details: Record<string, unknown> = {}) =>
  new AppError('validation_failed', message, { fields: [{ field, messages: [message] }], ...details });
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface JobRequestOptions {
  waitSeconds: number;
  idempotencyKey?: string;
  /** The body was read from a multipart form: its fields are text until the operation says which hold numbers or JSON. */
  form: boolean;
}

/** An item (or the body) once its operation is known: the operation and its own fields. */
interface Parsed {
  operation: RegisteredOperation;
  fields: Record<string, unknown>;
}

/** A body once read: its items (a single operation is one), whose scopes the caller holds. */
interface ReadBody {
  items: Parsed[];
  /** Sent as `items`: each item's errors name it (items[i]). */
  batch: boolean;
  webhookUrl?: string;
}

/** A body checked as POST /api/v1/jobs checks it: each item's request, its fields validated. */
export interface CheckedBody {
  requests: JobRequest[];
  batch: boolean;
}

/**
 * POST /api/v1/jobs: `operation` and that operation's fields, or `items` (a batch), and `webhookUrl`.
 * Each operation is checked as its own route checks it, in the same order: the caller's scope for
 * it (403 insufficient_scope), its work units against the daily quota (counted before validation,
 * as the guard counts a route's), then its fields with its own DTO.
 */
@Injectable()
export class JobRequests {
  constructor(
    private readonly registry: JobRegistry,
    private readonly submitter: JobSubmitter,
    private readonly usage: UsageService,
    private readonly orgs: OrgDirectory,
  ) {}

  async create(auth: RequestAuth, body: unknown, options: JobRequestOptions): Promise<Submitted> {
    const read = this.read(auth, body, options.form);
    await this.consume(auth, read.items.reduce((sum, p) => sum + p.operation.units(p.fields), 0));
    const requests = await this.validate(read);
    const submit = { waitSeconds: options.waitSeconds, idempotencyKey: options.idempotencyKey, webhookUrl: read.webhookUrl };
    return read.batch ? this.submitter.submitBatch(auth, requests, submit) : this.submitter.submit(auth, requests[0], submit);
  }

  /** Checks a body as create() does, with the same errors, but counts nothing against the daily quota (a quote). */
  async check(auth: RequestAuth, body: unknown, form: boolean): Promise<CheckedBody> {
    const read = this.read(auth, body, form);
    return { requests: await this.validate(read), batch: read.batch };
  }

  /** The body's shape, then each item's operation and the caller's scope for it. */
  private read(auth: RequestAuth, body: unknown, form: boolean): ReadBody {
    if (body !== undefined && !isObject(body)) throw new AppError('validation_failed', `The request body must be a JSON object, not ${Array.isArray(body) ? 'an array' : body === null ? 'null' : `a ${typeof body}`}`, { fields: [] });
    const { items, webhookUrl, ...rest } = body ?? {};
    if (webhookUrl !== undefined && (typeof webhookUrl !== 'string' || webhookUrl.length > MAX_WEBHOOK_URL)) throw invalid('webhookUrl', `webhookUrl must be a string of at most ${MAX_WEBHOOK_URL} characters`);
    if (items === undefined) return { items: [this.parse(auth, rest, form)], batch: false, webhookUrl };
    if (form) throw new AppError('unsupported_media_type', 'Send a batch (items) as application/json');
    if (Object.keys(rest).length) throw invalid(Object.keys(rest)[0], 'A batch takes items and webhookUrl only: each item names its operation and holds its fields');
    if (!Array.isArray(items) || items.length < 1 || items.length > MAX_BATCH_ITEMS) throw invalid('items', `items must be an array of 1 to ${MAX_BATCH_ITEMS} operations`);
    const parsed = items.map((item, i) => {
      try {
        if (!isObject(item)) throw invalid('', 'An item must be a JSON object: {"operation": ..., its fields}');
        if (item.webhookUrl !== undefined) throw invalid('webhookUrl', 'webhookUrl goes on the batch, which sends the one event');
        return this.parse(auth, item, false);
      } catch (err) {
        throw atItem(err, i);
      }
    });
    return { items: parsed, batch: true, webhookUrl };
  }

  /** The operation a body names, which the caller must hold the scope of, and its fields. */
  private parse(auth: RequestAuth, body: Record<string, unknown>, form: boolean): Parsed {
    const { operation: name, ...fields } = body;
    const operations = this.registry.operationNames();
    const operation = typeof name === 'string' ? this.registry.operation(name) : undefined;
    if (!operation) {
      const message = name === undefined ? `operation is required: one of ${operations.join(', ')}` : `operation must be one of: ${operations.join(', ')}`;
      throw invalid('operation', message, { operations });
    }
    requireScope(auth, operation.scope);
    if (!form) return { operation, fields };
    if (!operation.form) throw new AppError('unsupported_media_type', `${operation.name} takes JSON only: send it as application/json`);
    const converted = { ...fields, ...formFieldsAs(fields, operation.form) };
    if (operation.form.source === 'image' && Object.hasOwn(converted, 'images')) {
      converted.image = converted.images;
      delete converted.images;
    }
    // Its JSON fields are parsed only now, so they are held to what a JSON body is held to now.
    const refusal = jsonRefusal(converted);
    if (refusal) throw refusal;
    return { operation, fields: converted };
  }

  private async validate({ items, batch }: ReadBody): Promise<JobRequest[]> {
    const requests: JobRequest[] = [];
    for (const [i, { operation, fields }] of items.entries()) {
      const dto = await validateBody(operation.dto, fields).catch((err: unknown) => Promise.reject(batch ? atItem(err, i) : err));
      requests.push({ operation: operation.name, dto });
    }
    return requests;
  }

  private async consume(auth: RequestAuth, units: number): Promise<void> {
    const orgId = orgIdOf(auth);
    await this.usage.consumeDaily(orgId, await this.orgs.planOf(orgId), units);
  }
}
