import fastifyMultipart from '@fastify/multipart';
import { applyDecorators, createParamDecorator, type ExecutionContext, type Type } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes, ApiExtension, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler, preValidationHookHandler } from 'fastify';
import { AppError } from '../errors/app-error';
import { jsonRefusal } from './request-bounds';

/**
 * How a route's form maps onto its JSON body: where the image files go, which fields hold numbers or
 * JSON. A route whose fields depend on the request (POST /api/v1/jobs: on its operation) names none,
 * and converts them itself with `formFieldsAs` once it knows which.
 */
export interface FormShape {
  sources: string;
  numbers?: string[];
  json?: string[];
  /** The route takes forms only (OpenAI's edits), not JSON. */
  only?: boolean;
}

/**
 * An operation extension naming the schema of a route's multipart form, where it differs from the
 * JSON body: Nest's swagger gives every content type of a request body the same schema.
 */
export const MULTIPART_FORM_SCHEMA = 'x-multipart-form';

declare module 'fastify' {
  interface FastifyContextConfig {
    multipart?: FormShape;
  }
}

/**
 * What a form may hold: at most an edit's sources (16, OpenAI's most) and its mask, and small fields.
 * A file may be as large as the largest source any route takes (the studio's plans' maxSourceBytes,
 * 20 MB at least), and the files two such in all; each route's service then holds them to its own
 * bounds, as it does base64 sources.
 */
const MAX_SOURCES = 16;
const MAX_FILES = MAX_SOURCES + 1;
const MIN_FILE_BYTES = 20 * 1024 * 1024;
const MAX_FIELDS = 32;
const MAX_FIELD_BYTES = 64 * 1024;
/**
 * Busboy counts one file, one field and one part more than a form may hold, so the first one too
 * many still reaches readForm, which refuses it with its own answer. Had busboy refused it, it would
 * end the stream under the part being read, and the answer would be that part's "Premature close".
 */
const busboyLimits = (fileBytes: number) => ({
  files: MAX_FILES + 1,
  fileSize: fileBytes,
  fields: MAX_FIELDS + 1,
  fieldSize: MAX_FIELD_BYTES,
  parts: MAX_FIELDS + MAX_FILES + 1,
});
/** The bytes of a form's files in all, and of a JSON body's base64 sources. */
const filesInAll = (fileBytes: number) => fileBytes * 2;
/** Routes that take source images take JSON bodies this large: base64 adds a third, plus room for the fields. */
const sourceBodyLimit = (fileBytes: number) => Math.ceil((filesInAll(fileBytes) * 4) / 3) + 1024 * 1024;

/** The names clients give the image files of a form: ours, OpenAI's, and the bracketed array forms. */
const SOURCE_FIELDS = new Set(['images', 'image', 'images[]', 'image[]']);
/** An edit's mask file: the body's `mask`, as a source. */
const MASK_FIELD = 'mask';
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface MultipartForm {
  fields: Record<string, unknown>;
  files: { field: string; data: Buffer }[];
}

const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });

/**
 * The route also takes multipart/form-data, read into the JSON body it stands for before guards,
 * interceptors and pipes run, so both content types share one DTO, one idempotency hash and one
 * work count. `form` documents the form where it differs from the JSON body.
 */
export const AcceptsMultipart = (shape: FormShape, form?: Type) =>
  applyDecorators(
    RouteConfig({ multipart: shape }),
    ApiConsumes(...(shape.only ? [] : ['application/json']), 'multipart/form-data'),
    ...(form ? [ApiExtraModels(form), ApiExtension(MULTIPART_FORM_SCHEMA, { $ref: getSchemaPath(form) })] : []),
  );

/** Whether the request came as a form (its body read from one): for a route that converts the form's fields itself. */
export const SentAsForm = createParamDecorator((_: unknown, ctx: ExecutionContext): boolean => ctx.switchToHttp().getRequest<FastifyRequest>().isMultipart());

/**
 * Registers @fastify/multipart, then gives every route that can carry a body its multipart rule: read
 * into the body where the route accepts forms, refused everywhere else, as before the plugin. Routes
 * that take source images as JSON too get the larger body limit base64 images need. `maxSourceBytes`:
 * the largest source image any route may take.
 */
export async function registerMultipart(fastify: FastifyInstance, maxSourceBytes: number): Promise<void> {
  const fileBytes = Math.max(MIN_FILE_BYTES, maxSourceBytes);
  await fastify.register(fastifyMultipart, { limits: busboyLimits(fileBytes) });
  fastify.addHook('onRoute', (route) => {
    const shape = route.config?.multipart;
    if (shape && !shape.only) route.bodyLimit = sourceBodyLimit(fileBytes);
    if (!shape && ![route.method].flat().some((m) => BODY_METHODS.has(m))) return;
    const existing = route.preValidation ? [route.preValidation].flat() : [];
    route.preValidation = [...existing, shape ? readInto(shape, fileBytes) : refuseMultipart];
  });
}

// A callback hook: it runs on every request with a body, and an async one costs a promise each time.
const refuseMultipart: preValidationHookHandler = (req, _reply, done) => {
  if (!req.isMultipart()) return done();
  done(new AppError('unsupported_media_type', 'Send the request body as application/json'));
};

/** A form's body is held to what a JSON body is: no NUL characters, no prototype keys in its JSON fields. */
const readInto = (shape: FormShape, fileBytes: number): preValidationAsyncHookHandler => async (req) => {
  if (req.isMultipart()) {
    const body = formBody(await readForm(req, fileBytes), shape);
    const refusal = jsonRefusal(body);
    if (refusal) throw refusal;
    req.body = body;
  } else if (shape.only) {
    throw new AppError('unsupported_media_type', 'Send the request as multipart/form-data');
  }
};

async function readForm(req: FastifyRequest, fileBytes: number): Promise<MultipartForm> {
  const form: MultipartForm = { fields: {}, files: [] };
  let fields = 0;
  let bytes = 0;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (form.files.length === MAX_FILES) throw new AppError('too_many_images', `Send at most ${MAX_SOURCES} image files and a mask`);
        const data = await part.toBuffer();
        // toBuffer throws for a file busboy cut at the size limit, except when the cut falls on the end of a chunk.
        if (part.file.truncated) throw fileTooLarge(form.files.length, part.filename, fileBytes);
        bytes += data.length;
        if (bytes > filesInAll(fileBytes)) throw new AppError('payload_too_large', `The files are over ${megabytes(filesInAll(fileBytes))} MB in all`);
        form.files.push({ field: part.fieldname, data });
      } else if (++fields > MAX_FIELDS) {
        throw tooManyParts();
      } else if (part.valueTruncated) {
        throw new AppError('payload_too_large', `Form field ${part.fieldname} is over ${MAX_FIELD_BYTES / 1024} KB`);
      } else if (Object.hasOwn(form.fields, part.fieldname)) {
        throw invalid(part.fieldname, `${part.fieldname} is given more than once`);
      } else {
        form.fields[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    throw readError(err, form.files.length, fileBytes);
  }
  return form;
}

const tooManyParts = () => new AppError('payload_too_large', `A form may have at most ${MAX_FIELDS} fields and ${MAX_FILES} files`);

const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const fileTooLarge = (index: number, filename: string | undefined, fileBytes: number) =>
  new AppError('payload_too_large', `File ${index}${filename ? ` (${filename})` : ''} is over ${megabytes(fileBytes)} MB, the most a source image may be`, { index });

/** `fileIndex` is the file being read when the error came: the one after those already read. */
function readError(err: unknown, fileIndex: number, fileBytes: number): AppError {
  if (err instanceof AppError) return err;
  const { code, part } = err as { code?: string; part?: { filename?: string } };
  if (code === 'FST_REQ_FILE_TOO_LARGE') return fileTooLarge(fileIndex, part?.filename, fileBytes);
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT') return tooManyParts();
  // Busboy's own errors (a malformed part, a field declared JSON that is not) describe the form's fault.
  return new AppError('validation_failed', `The multipart form could not be read: ${(err as Error).message}`);
}

/**
 * The JSON body a form stands for: number and JSON fields parsed (left as they are when they do not
 * parse, for the DTO to refuse), image files as base64 sources, so they pass the very checks JSON
 * sources do (a third more memory, within the limits above). Other files are kept by name, so the
 * DTO refuses them like any unknown field. Fields go in name order: the same form hashes the same
 * for Idempotency-Key whatever order a client sends it in.
 */
function formBody(form: MultipartForm, shape: FormShape): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of Object.keys(form.fields).sort()) {
    if (SOURCE_FIELDS.has(name) || name === MASK_FIELD) throw invalid(name, `${name} must be sent as a file`);
    body[name] = form.fields[name];
  }
  Object.assign(body, formFieldsAs(body, shape));
  const sources = form.files.filter((f) => SOURCE_FIELDS.has(f.field)).map((f) => ({ data: f.data.toString('base64') }));
  if (sources.length) body[shape.sources] = sources;
  const masks = form.files.filter((f) => f.field === MASK_FIELD);
  if (masks.length > 1) throw invalid(MASK_FIELD, 'send one mask file');
  if (masks.length) body[MASK_FIELD] = { data: masks[0].data.toString('base64') };
  for (const file of form.files) if (!SOURCE_FIELDS.has(file.field) && file.field !== MASK_FIELD) body[file.field] = { file: true };
  return body;
}

/**
 * The number and JSON fields of a form's body, parsed (left as they are when they do not parse, for
 * the DTO to refuse); a route whose form shape depends on the request calls it once it knows it.
 */
export function formFieldsAs(body: Record<string, unknown>, types: Pick<FormShape, 'numbers' | 'json'>): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  for (const name of types.numbers ?? []) if (Object.hasOwn(body, name)) parsed[name] = asNumber(body[name]);
  for (const name of types.json ?? []) if (Object.hasOwn(body, name)) parsed[name] = asJson(body[name]);
  return parsed;
}

const asNumber = (value: unknown) => (typeof value === 'string' && /^-?\d{1,16}(\.\d{1,16})?$/.test(value) ? Number(value) : value);

function asJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
