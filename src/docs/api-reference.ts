import type { ApiReferenceConfiguration } from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';

export const API_REFERENCE_PATH = '/docs';

/**
 * The reference UI's settings. It must work offline and speak only to this server: Scalar's
 * defaults load fonts from its CDN, send telemetry, and offer its cloud (client app, agent, MCP,
 * developer tools that upload the document), none of which a self-hosted install should reach.
 */
export const API_REFERENCE_CONFIGURATION = {
  url: '/api/v1/openapi',
  title: 'Darkroom API',
  pageTitle: 'Darkroom API',
  withDefaultFonts: false,
  telemetry: false,
  hideClientButton: true,
  showDeveloperTools: 'never',
  agent: { disabled: true },
  mcp: { disabled: true },
} satisfies Partial<ApiReferenceConfiguration>;

/** Serves the reference at /docs, its script from this server too (no CDN). */
export async function registerApiReference(fastify: FastifyInstance): Promise<void> {
  const { default: apiReference } = await import('@scalar/fastify-api-reference');
  await fastify.register(apiReference, { routePrefix: API_REFERENCE_PATH, configuration: API_REFERENCE_CONFIGURATION });
}
