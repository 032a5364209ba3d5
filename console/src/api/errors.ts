/** One field's messages in a validation_failed answer. */
export interface FieldError {
  field: string;
  messages: string[];
}

/** An API error answer, `{error: {code, message, requestId, fields?}}`, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The messages for one field (validation_failed), joined for display beside it. */
  fieldMessage(field: string): string | undefined {
    const messages = this.fields.filter((f) => f.field === field).flatMap((f) => f.messages);
    return messages.length ? messages.join('; ') : undefined;
  }

  /** Reads an error answer; a body that is not the API's shape still gives the status. */
  static async from(res: Response): Promise<ApiError> {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; requestId?: string; fields?: FieldError[] } } | null;
    const error = body?.error;
    return new ApiError(
      res.status,
      error?.code ?? 'http_error',
      error?.message ?? `The server answered ${res.status} ${res.statusText}`.trim(),
      error?.requestId ?? res.headers.get('x-request-id') ?? undefined,
      Array.isArray(error?.fields) ? error.fields : [],
    );
  }
}

/** Anything thrown, as an ApiError the screens can show. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'network_error', err instanceof Error ? err.message : String(err));
}
