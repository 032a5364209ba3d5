import type { FakeResponse } from '../../../src/plugins/testing';

/** The failures the fake can answer with, each as OpenAI answers it. */
export type OpenAIFailure =
  | 'bad_key'
  | 'quota'
  | 'credits_exhausted'
  | 'rate_limit'
  | 'rate_limit_reset_only'
  | 'moderation'
  | 'invalid_request'
  | 'model_not_found'
  | 'unsupported_region'
  | 'server_error'
  | 'overloaded';

const error = (status: number, body: { message: string; type: string; param?: string | null; code: string | null; [more: string]: unknown }, headers: Record<string, string> = {}): FakeResponse => ({
  status,
  headers,
  body: { error: { param: null, ...body } },
});

/** OpenAI's own error bodies and headers (developers.openai.com/docs/guides/error-codes). */
export function failureResponse(failure: OpenAIFailure, requestId: string, model = 'gpt-image-1.5'): FakeResponse {
  switch (failure) {
    case 'bad_key':
      return error(401, { message: 'Incorrect API key provided: sk-wr***ng. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', code: 'invalid_api_key' });
    case 'quota':
      return error(429, { message: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.', type: 'insufficient_quota', code: 'insufficient_quota' });
    case 'credits_exhausted':
      return error(429, { message: 'You have no credits remaining. Add credits to continue.', type: 'invalid_request_error', code: 'credit_balance_exhausted' });
    case 'rate_limit':
      return error(429, { message: `Rate limit reached for ${model} in organization org-fake on images per minute (IPM): Limit 5, Used 5, Requested 1. Please try again in 12s.`, type: 'requests', code: 'rate_limit_exceeded' },
        { 'retry-after': '12', 'x-ratelimit-limit-requests': '5', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '12s' });
    case 'rate_limit_reset_only':
      return error(429, { message: `Rate limit reached for ${model} in organization org-fake on images per minute (IPM): Limit 5, Used 5, Requested 1.`, type: 'requests', code: 'rate_limit_exceeded' },
        { 'x-ratelimit-limit-requests': '5', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1m30s', 'x-ratelimit-reset-tokens': '250ms' });
    case 'moderation':
      return error(400, {
        message: `Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID ${requestId}.`,
        type: 'image_generation_user_error',
        code: 'moderation_blocked',
        moderation_details: { moderation_stage: 'input', categories: ['violence'] },
      });
    case 'invalid_request':
      return error(400, { message: "Invalid value: '999x999'. Supported values are: '1024x1024', '1024x1536', '1536x1024', and 'auto'.", type: 'invalid_request_error', param: 'size', code: 'invalid_value' });
    case 'model_not_found':
      return error(404, { message: `The model '${model}' does not exist or you do not have access to it.`, type: 'invalid_request_error', code: 'model_not_found' });
    case 'unsupported_region':
      return error(403, { message: 'Country, region, or territory not supported', type: 'request_forbidden', code: 'unsupported_country_region_territory' });
    case 'server_error':
      return error(500, { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null });
    case 'overloaded':
      return error(503, { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: null });
  }
}

/** A 400 for a field the API refuses. */
export function invalidField(param: string, message: string, code = 'invalid_value'): FakeResponse {
  return error(400, { message, type: 'invalid_request_error', param, code });
}
