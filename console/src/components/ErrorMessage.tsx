import { asApiError } from '../api/errors';

/** The API's message and code for a failed call (and the request id to quote when asking for help). */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const e = asApiError(error);
  return (
    <p class="error" role="alert">
      {e.message} <code>{e.code}</code>
      {e.requestId && <span class="request-id"> (request {e.requestId})</span>}
    </p>
  );
}
