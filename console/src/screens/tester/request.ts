import { withQuery } from '../../api/client';
import type { TesterField } from './fields';
import type { TesterOperation } from './operations';

export type FormPart = { name: string; value: string } | { name: string; file: File };

/** The request the form describes, before credentials: what is sent, and what "Copy as curl" writes. */
export interface TesterRequest {
  method: string;
  /** The path with its parameters and query, on this server. */
  url: string;
  headers: Record<string, string>;
  body?: { type: 'json'; value: Record<string, unknown> } | { type: 'form'; parts: FormPart[] };
}

export interface FormState {
  values: Record<string, string>;
  files: Record<string, File[]>;
  /** More body fields as a JSON object (a job's operation fields, say). */
  extra: string;
}

export const EXTRA_FIELDS = 'extra';

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** A typed value as JSON takes it; what cannot be read is sent as typed, for the API to say what is wrong. */
function jsonValue(field: TesterField, text: string): unknown {
  const number = (s: string) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);
  switch (field.kind) {
    case 'number':
      return number(text);
    case 'enum':
      return field.numeric ? number(text) : text;
    case 'boolean':
      return text === 'true';
    case 'list': {
      const items = text.split(',').map((s) => s.trim()).filter(Boolean);
      return field.numeric ? items.map(number) : items;
    }
    case 'json': {
      const parsed = parseJson(text);
      return parsed.ok ? parsed.value : text;
    }
    default:
      return text;
  }
}

/**
 * The request for `op` from the form. Empty inputs are left out, so the API's defaults apply.
 * `problems` names the inputs that cannot be sent as they are (by field key).
 */
export function buildRequest(op: TesterOperation, contentType: string | null, fields: TesterField[], state: FormState): { request: TesterRequest; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const given = (f: TesterField) => (state.values[f.key] ?? '') !== '';
  let path = op.path;
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const f of fields) {
    const value = state.values[f.key] ?? '';
    if (f.in === 'path') path = path.replace(`{${f.name}}`, encodeURIComponent(value));
    else if (f.in === 'query' && given(f)) query[f.name] = value;
    else if (f.in === 'header' && given(f)) headers[f.name] = value;
  }

  let extra: Record<string, unknown> = {};
  if (state.extra.trim()) {
    const parsed = parseJson(state.extra);
    if (parsed.ok && parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value)) extra = parsed.value as Record<string, unknown>;
    else problems[EXTRA_FIELDS] = 'Write a JSON object, such as {"width": 1000}';
  }

  const bodyFields = fields.filter((f) => f.in === 'body');
  let body: TesterRequest['body'];
  if (contentType === 'application/json') {
    const value: Record<string, unknown> = {};
    for (const f of bodyFields) if (given(f)) value[f.name] = jsonValue(f, state.values[f.key]!);
    body = { type: 'json', value: { ...value, ...extra } };
  } else if (contentType === 'multipart/form-data') {
    const parts: FormPart[] = [];
    for (const f of bodyFields) {
      if (f.kind === 'file' || f.kind === 'files') for (const file of state.files[f.key] ?? []) parts.push({ name: f.name, file });
      else if (given(f)) parts.push({ name: f.name, value: state.values[f.key]! });
    }
    for (const [name, value] of Object.entries(extra)) parts.push({ name, value: typeof value === 'string' ? value : JSON.stringify(value) });
    body = { type: 'form', parts };
  }
  return { request: { method: op.method, url: withQuery(path, query), headers, body }, problems };
}

/** The body as fetch sends it (a plain object: JSON). */
export function fetchBody(request: TesterRequest): FormData | Record<string, unknown> | undefined {
  if (!request.body) return undefined;
  if (request.body.type === 'json') return request.body.value;
  const form = new FormData();
  for (const part of request.body.parts) {
    if ('file' in part) form.append(part.name, part.file, part.file.name);
    else form.append(part.name, part.value);
  }
  return form;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A text part curl's -F would read as a file (@, <) or as options (;type=): sent literally. */
const needsFormString = (value: string) => /^[@<]|[;"]/.test(value);

/** A file name as -F takes it: quoted when it holds what -F would read as syntax. */
const formFileName = (name: string) => (/[;,"\\]/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : name);

/**
 * The request as a curl command line: `$KEY` for the credential (never the secret itself), the
 * files by their names as picked, text parts literally. `orgId`: sent with the session, the
 * organisation it acts in (an API key belongs to one already).
 */
export function toCurl(request: TesterRequest, origin: string, orgId: string | null): string {
  const args = [request.method === 'GET' ? 'curl -i' : `curl -i -X ${request.method}`, quote(origin + request.url)];
  const lines = ['-H "authorization: Bearer $KEY"'];
  if (orgId) lines.push(`-H ${quote(`x-org-id: ${orgId}`)}`);
  for (const [name, value] of Object.entries(request.headers)) lines.push(`-H ${quote(`${name}: ${value}`)}`);
  if (request.body?.type === 'json') {
    lines.push(`-H ${quote('content-type: application/json')}`, `--data-raw ${quote(JSON.stringify(request.body.value))}`);
  } else if (request.body) {
    for (const part of request.body.parts) {
      if ('file' in part) lines.push(`-F ${quote(`${part.name}=@${formFileName(part.file.name)}`)}`);
      else lines.push(`${needsFormString(part.value) ? '--form-string' : '-F'} ${quote(`${part.name}=${part.value}`)}`);
    }
  }
  return [args.join(' '), ...lines].join(' \\\n  ');
}
