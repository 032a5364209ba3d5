import type { OpenApiDocument, OpenApiSchema } from '../../api/openapi';
import { resolveSchema, type TesterOperation } from './operations';

/**
 * How a value is typed and sent: `file`/`files` binary parts; `enum` a select of the schema's values;
 * `boolean` a select (not sent, true, false: leaving it out is not the same as false); `list` comma
 * separated; `json` an object or a value of several types, typed as JSON.
 */
export type FieldKind = 'text' | 'textarea' | 'number' | 'enum' | 'boolean' | 'list' | 'json' | 'file' | 'files';

export interface TesterField {
  /** Unique in the form: the location and the name (`body:prompt`, `path:jobId`, `header:Prefer`). */
  key: string;
  name: string;
  in: 'body' | 'path' | 'query' | 'header';
  kind: FieldKind;
  required: boolean;
  description?: string;
  options?: string[];
  /** Its values are numbers (a number, a numeric enum, a list of numbers). */
  numeric?: boolean;
  placeholder?: string;
  min?: number;
  max?: number;
}

/** Strings longer than this get a text area. */
const LONG_TEXT = 300;
/** Set by the session itself, never typed. */
const SESSION_HEADERS = new Set(['x-org-id']);

const isNumeric = (s: OpenApiSchema) => s.type === 'number' || s.type === 'integer';

function placeholderOf(schema: OpenApiSchema): string | undefined {
  const example = schema.example ?? schema.default;
  if (example === undefined) return undefined;
  return typeof example === 'string' ? example : JSON.stringify(example);
}

function kindOf(doc: OpenApiDocument, schema: OpenApiSchema): Pick<TesterField, 'kind' | 'options' | 'numeric'> {
  const items = schema.items ? resolveSchema(doc, schema.items) : undefined;
  if (schema.type === 'string' && schema.format === 'binary') return { kind: 'file' };
  if (schema.type === 'array' && items?.format === 'binary') return { kind: 'files' };
  if (schema.enum) return { kind: 'enum', options: schema.enum.map(String), numeric: isNumeric(schema) };
  if (schema.type === 'boolean') return { kind: 'boolean' };
  if (isNumeric(schema)) return { kind: 'number', numeric: true };
  if (schema.type === 'string') return { kind: Number(schema.maxLength ?? 0) > LONG_TEXT ? 'textarea' : 'text' };
  if (schema.type === 'array' && items && (items.type === 'string' || isNumeric(items))) return { kind: 'list', numeric: isNumeric(items) };
  return { kind: 'json' };
}

function field(doc: OpenApiDocument, location: TesterField['in'], name: string, raw: OpenApiSchema | undefined, required: boolean, description?: string): TesterField {
  const schema = resolveSchema(doc, raw);
  return {
    key: `${location}:${name}`,
    name,
    in: location,
    required,
    description: description ?? schema.description,
    placeholder: placeholderOf(schema),
    min: typeof schema.minimum === 'number' ? schema.minimum : undefined,
    max: typeof schema.maximum === 'number' ? schema.maximum : undefined,
    ...kindOf(doc, schema),
  };
}

/** The inputs for an operation's parameters (path, query, headers but the session's) and the body's properties. */
export function fieldsOf(doc: OpenApiDocument, op: TesterOperation, contentType: string | null): TesterField[] {
  const fields = op.parameters
    .filter((p) => p.in !== 'cookie' && !(p.in === 'header' && SESSION_HEADERS.has(p.name.toLowerCase())))
    .map((p) => field(doc, p.in as TesterField['in'], p.name, p.schema, p.in === 'path' || !!p.required, p.description));
  if (op.method !== 'GET') {
    fields.push({
      key: 'header:Idempotency-Key',
      name: 'Idempotency-Key',
      in: 'header',
      kind: 'text',
      required: false,
      description: 'Send again with the same key and body within 24 hours: the first answer comes back (Idempotent-Replayed: true) and nothing runs twice',
    });
  }
  const body = op.bodies.find((b) => b.contentType === contentType);
  if (body) {
    const schema = resolveSchema(doc, body.schema);
    const required = new Set(schema.required ?? []);
    for (const [name, property] of Object.entries(schema.properties ?? {})) fields.push(field(doc, 'body', name, property, required.has(name)));
  }
  return fields;
}
