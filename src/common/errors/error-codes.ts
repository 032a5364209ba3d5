/**
 * The catalogue of error codes a client can see, with the HTTP status each one answers.
 * docs/errors.md documents them; a unit test keeps the two in step.
 */
export const ERROR_CODES = {
  validation_failed: 400,
  invalid_json: 400,
  invalid_token: 400,
  invalid_model: 400,
  invalid_base64: 400,
  too_many_images: 400,
  url_not_allowed: 400,
  weak_password: 400,
  missing_api_key: 401,
  invalid_api_key: 401,
  invalid_client_token: 401,
  invalid_credentials: 401,
  invalid_access_token: 401,
  invalid_refresh_token: 401,
  insufficient_credits: 402,
  email_not_verified: 403,
  insufficient_scope: 403,
  insufficient_role: 403,
  plan_limit: 403,
  invitation_email_mismatch: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  email_taken: 409,
  already_member: 409,
  last_owner: 409,
  idempotency_key_in_use: 409,
  expired: 410,
  payload_too_large: 413,
  unprocessable_image: 422,
  idempotency_key_reused: 422,
  unsupported_media_type: 415,
  rate_limited: 429,
  daily_limit_reached: 429,
  internal_error: 500,
  provider_unavailable: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
