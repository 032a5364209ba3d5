import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CODES } from '../common/errors/error-codes';
import { PUBLIC_OPERATION } from '../tenancy/access.decorators';
import { MULTIPART_FORM_SCHEMA } from '../common/http/multipart-form';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      additionalProperties: true,
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CODES), description: 'Stable, machine-readable; see docs/errors.md' },
        message: { type: 'string', description: 'For people; may change' },
        requestId: { type: 'string', description: 'Quote it when asking for help; also in the x-request-id header' },
      },
    },
  },
};

const ERROR_RESPONSES: Record<string, { description: string; when: 'always' | 'secured' | 'input' }> = {
  '400': { description: 'Invalid input (validation_failed, invalid_json)', when: 'input' },
  '401': { description: 'Missing or invalid credentials (missing_api_key, invalid_api_key, invalid_client_token, invalid_access_token)', when: 'secured' },
  '403': { description: 'Not allowed (insufficient_scope, insufficient_role, email_not_verified, plan_limit)', when: 'secured' },
  '404': { description: 'Unknown, or belongs to another organisation (not_found)', when: 'always' },
  '429': { description: 'Rate limited (rate_limited, daily_limit_reached); see retry-after', when: 'always' },
  '500': { description: 'Unexpected failure (internal_error)', when: 'always' },
};


/**
 * The server docs/openapi.json names (`npm run openapi`): the default PUBLIC_URL for PORT 3000,
 * whatever the shell that writes it has, so the committed file is the same everywhere. A running
 * server's /api/v1/openapi names its own PUBLIC_URL.
 */
export const COMMITTED_SERVER_URL = 'http://localhost:3000';

interface Operation {
  security?: unknown[];
  [PUBLIC_OPERATION]?: boolean;
  requestBody?: { content: Record<string, unknown> };
  parameters?: unknown[];
  responses: Record<string, unknown>;
  [MULTIPART_FORM_SCHEMA]?: unknown;
}

/**
 * The OpenAPI 3 document of every route, with the shared error shape added to each operation.
 * `serverUrl` is where clients reach the API: the server's PUBLIC_URL.
 */
export function buildOpenApiDocument(app: INestApplication, serverUrl: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Darkroom API')
    .setDescription('Generate and edit images, prepare product photos and publish them to marketplaces. Every error answers `{"error": {"code", "message", "requestId"}}`.')
    .setVersion('1')
    .setLicense('AGPL-3.0', 'https://www.gnu.org/licenses/agpl-3.0.html')
    .addServer(serverUrl.replace(/\/+$/, ''), 'This Darkroom server (its PUBLIC_URL)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (drk_live_..., drk_test_..., drk_pub_...), a session access token, or a client token' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An API key, as an alternative to the Authorization header' }, 'apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Error: ERROR_SCHEMA as never } };
  for (const pathItem of Object.values(document.paths)) {
    for (const op of Object.values(pathItem) as Operation[]) {
      if (!op?.responses) continue;
      if (op[PUBLIC_OPERATION]) {
        op.security = [];
        delete op[PUBLIC_OPERATION];
      }
      const form = op[MULTIPART_FORM_SCHEMA];
      if (form && op.requestBody?.content['multipart/form-data']) {
        op.requestBody.content['multipart/form-data'] = { schema: form };
        delete op[MULTIPART_FORM_SCHEMA];
      }
      const secured = Array.isArray(op.security) && op.security.length > 0;
      const takesInput = Boolean(op.requestBody) || Boolean(op.parameters?.length);
      for (const [status, { description, when }] of Object.entries(ERROR_RESPONSES)) {
        if (op.responses[status] || (when === 'secured' && !secured) || (when === 'input' && !takesInput)) continue;
        op.responses[status] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      }
    }
  }
  return document;
}
