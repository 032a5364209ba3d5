import type { OpenApiDocument, OpenApiSchema } from '../../api/openapi';

/** The operations the tester offers, by operationId; everything else about them comes from the OpenAPI document. */
const OFFERED = [
  { operationId: 'createGeneration', label: 'Generate', scope: 'images:generate' },
  { operationId: 'createEdit', label: 'Edit', scope: 'images:edit' },
  { operationId: 'process', label: 'Process', scope: 'studio:process' },
  { operationId: 'check', label: 'Compliance', scope: 'studio:process' },
  { operationId: 'removeBackground', label: 'Background remove', scope: 'studio:process' },
  { operationId: 'upscale', label: 'Upscale', scope: 'studio:process' },
  // A job needs its operation's scope, which the form only names when it is sent.
  { operationId: 'createJob', label: 'Create a job', scope: null },
  { operationId: 'getJob', label: 'Get a job', scope: 'jobs:read' },
  { operationId: 'listJobs', label: 'List jobs', scope: 'jobs:read' },
] as const;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: OpenApiSchema;
}

interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema?: OpenApiSchema }> };
}

export interface TesterOperation {
  operationId: string;
  label: string;
  /** The scope a session needs for it, when the operation alone tells it. */
  scope: string | null;
  method: string;
  /** With `{name}` for path parameters, as the document writes it. */
  path: string;
  summary: string;
  parameters: OpenApiParameter[];
  /** The request body's media types and their schemas, multipart first (it takes files). */
  bodies: { contentType: string; schema: OpenApiSchema }[];
}

const MEDIA_ORDER = ['multipart/form-data', 'application/json'];

/** The offered operations this server's document has, in the order offered. */
export function testerOperations(doc: OpenApiDocument): TesterOperation[] {
  const found: TesterOperation[] = [];
  for (const offered of OFFERED) {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, value] of Object.entries(methods)) {
        const op = value as OpenApiOperation;
        if (op.operationId !== offered.operationId) continue;
        const bodies = Object.entries(op.requestBody?.content ?? {})
          .filter(([type, media]) => MEDIA_ORDER.includes(type) && media.schema)
          .map(([contentType, media]) => ({ contentType, schema: media.schema! }))
          .sort((a, b) => MEDIA_ORDER.indexOf(a.contentType) - MEDIA_ORDER.indexOf(b.contentType));
        found.push({ ...offered, method: method.toUpperCase(), path, summary: op.summary ?? '', parameters: op.parameters ?? [], bodies });
      }
    }
  }
  return found;
}

/** A schema with its `$ref`s followed and a lone `allOf` unwrapped (the wrapper's description kept). */
export function resolveSchema(doc: OpenApiDocument, schema: OpenApiSchema | undefined): OpenApiSchema {
  let current: OpenApiSchema = schema ?? {};
  for (let depth = 0; depth < 16; depth++) {
    if (current.$ref) {
      const name = current.$ref.replace('#/components/schemas/', '');
      const { $ref: _ref, ...rest } = current;
      current = { ...(doc.components?.schemas?.[name] ?? {}), ...rest };
      continue;
    }
    const allOf = current.allOf as OpenApiSchema[] | undefined;
    if (allOf?.length === 1) {
      const { allOf: _allOf, ...rest } = current;
      current = { ...resolveSchema(doc, allOf[0]), ...rest };
      continue;
    }
    return current;
  }
  return current;
}
