import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouteAccessAudit } from '../../src/auth/route-access-audit';
import { COMMITTED_SERVER_URL } from '../../src/docs/openapi-document';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Every route and what it takes to call it. A new route must be added here on purpose: if it
 * declared no access at all, the app would not even start.
 */
const EXPECTED_ACCESS: Record<string, string> = {
  'GET /api/v1/admin/orgs': 'operator',
  'PATCH /api/v1/admin/orgs/:orgId': 'operator',
  'POST /api/v1/admin/orgs/:orgId/credits': 'operator',
  'POST /api/v1/admin/library/assets': 'operator',
  'DELETE /api/v1/admin/library/assets/:id': 'operator',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': 'user',
  'POST /api/v1/auth/refresh': 'public',
  'POST /api/v1/auth/register': 'public',
  'GET /api/v1/auth/verify-email': 'public',
  'POST /api/v1/auth/verify-email': 'public',
  'POST /api/v1/auth/verify-email/resend': 'user',
  'POST /api/v1/invitations/:token/accept': 'user',
  'POST /api/v1/compliance': 'studio:process',
  'POST /api/v1/process': 'studio:process',
  'POST /api/v1/backgrounds/remove': 'studio:process',
  'POST /api/v1/backgrounds/generate': 'studio:process',
  'POST /api/v1/relight/shadow': 'studio:process',
  'POST /api/v1/upscale': 'studio:process',
  'GET /api/v1/channels': 'channels:read',
  'POST /api/v1/channels/connections': 'channels:write',
  'GET /api/v1/channels/connections': 'channels:read',
  'GET /api/v1/channels/connections/:connectionId': 'channels:read',
  'POST /api/v1/channels/connections/:connectionId/test': 'channels:write',
  'POST /api/v1/channels/connections/:connectionId/disable': 'channels:write',
  'POST /api/v1/channels/connections/:connectionId/enable': 'channels:write',
  'POST /api/v1/channels/connections/:connectionId/sync': 'channels:write',
  'GET /api/v1/channels/connections/:connectionId/products': 'channels:read',
  'POST /api/v1/channels/publish': 'channels:publish',
  'GET /api/v1/channels/activity': 'channels:read',
  'DELETE /api/v1/channels/connections/:connectionId': 'channels:write',
  'PATCH /api/v1/channels/connections/:connectionId': 'channels:write',
  'POST /api/v1/channels/connections/:connectionId/webhook-secret': 'channels:write',
  'POST /api/v1/channels/connections/:connectionId/fix': 'channels:publish',
  'POST /api/v1/channels/webhooks/:connectionId': 'public (unthrottled)',
  'POST /api/v1/listings/images': 'channels:publish',
  'GET /api/v1/listings/images/:jobId': 'channels:read',
  'GET /api/v1/credits': 'credits:read',
  'GET /api/v1/credits/ledger': 'credits:read',
  'GET /api/v1/credits/packs': 'credits:read',
  'GET /api/v1/credits/usage': 'credits:read',
  'GET /api/v1/files/:token': 'public (unthrottled)',
  'GET /api/v1/images': 'images:read',
  'POST /api/v1/images/edits': 'images:edit',
  'POST /api/v1/images/generations': 'images:generate',
  'POST /api/v1/videos/generations': 'videos:generate',
  'GET /api/v1/videos/files/:token': 'public (unthrottled)',
  'GET /api/v1/videos/:videoId': 'jobs:read',
  'DELETE /api/v1/images/:imageId': 'images:generate',
  'GET /api/v1/images/:imageId': 'images:read',
  'POST /api/v1/webhook-endpoints': 'webhooks:write',
  'GET /api/v1/webhook-endpoints': 'webhooks:write',
  'GET /api/v1/webhook-endpoints/:endpointId': 'webhooks:write',
  'PATCH /api/v1/webhook-endpoints/:endpointId': 'webhooks:write',
  'DELETE /api/v1/webhook-endpoints/:endpointId': 'webhooks:write',
  'POST /api/v1/webhook-endpoints/:endpointId/rotate-secret': 'webhooks:write',
  'GET /api/v1/webhook-deliveries': 'webhooks:write',
  'GET /api/v1/webhook-deliveries/:deliveryId': 'webhooks:write',
  'POST /api/v1/webhook-deliveries/:deliveryId/redeliver': 'webhooks:write',
  'GET /api/v1/webhook-secret': 'webhooks:write',
  'POST /api/v1/webhook-secret/rotate': 'webhooks:write',
  'GET /api/v1/jobs': 'jobs:read',
  'POST /api/v1/jobs': 'organization',
  'GET /api/v1/jobs/:jobId': 'jobs:read',
  'POST /api/v1/jobs/:jobId/cancel': 'jobs:cancel',
  'POST /api/v1/quotes': 'organization',
  'GET /api/v1/library/search': 'library:read',
  'POST /api/v1/library/assets': 'library:write',
  'DELETE /api/v1/library/assets/:id': 'library:write',
  'GET /api/v1/library/files/:token': 'public (unthrottled)',
  'GET /api/v1/marketplaces': 'public',
  'GET /api/v1/marketplaces/:marketplaceId': 'public',
  'GET /api/v1/me': 'authenticated',
  'GET /api/v1/openapi': 'public (unthrottled)',
  'GET /api/v1/orgs': 'authenticated',
  'POST /api/v1/orgs': 'user',
  'GET /api/v1/orgs/:orgId': 'authenticated',
  'PATCH /api/v1/orgs/:orgId': 'org:admin',
  'GET /api/v1/orgs/:orgId/api-keys': 'keys:read',
  'POST /api/v1/orgs/:orgId/api-keys': 'keys:write',
  'DELETE /api/v1/orgs/:orgId/api-keys/:keyId': 'keys:write',
  'GET /api/v1/orgs/:orgId/api-keys/:keyId': 'keys:read',
  'POST /api/v1/orgs/:orgId/api-keys/:keyId/rotate': 'keys:write',
  'GET /api/v1/orgs/:orgId/audit-log': 'org:admin',
  'GET /api/v1/orgs/:orgId/provider-credentials': 'org:admin',
  'PUT /api/v1/orgs/:orgId/provider-credentials/:provider': 'org:admin',
  'DELETE /api/v1/orgs/:orgId/provider-credentials/:provider': 'org:admin',
  'GET /api/v1/orgs/:orgId/routing-policies': 'providers:read',
  'PUT /api/v1/orgs/:orgId/routing-policies/:operation': 'providers:write',
  'DELETE /api/v1/orgs/:orgId/routing-policies/:operation': 'providers:write',
  'GET /api/v1/usage/providers': 'credits:read',
  'GET /api/v1/orgs/:orgId/client-token-keys': 'org:admin',
  'POST /api/v1/orgs/:orgId/client-token-keys': 'org:admin',
  'DELETE /api/v1/orgs/:orgId/client-token-keys/:keyId': 'org:admin',
  'GET /api/v1/orgs/:orgId/invitations': 'org:admin',
  'POST /api/v1/orgs/:orgId/invitations': 'org:admin',
  'DELETE /api/v1/orgs/:orgId/invitations/:invitationId': 'org:admin',
  'POST /api/v1/orgs/:orgId/leave': 'user',
  'GET /api/v1/orgs/:orgId/members': 'org:admin',
  'DELETE /api/v1/orgs/:orgId/members/:userId': 'org:admin',
  'PATCH /api/v1/orgs/:orgId/members/:userId': 'org:admin',
  'GET /api/v1/orgs/:orgId/teams': 'keys:read',
  'POST /api/v1/orgs/:orgId/teams': 'org:admin',
  'DELETE /api/v1/orgs/:orgId/teams/:teamId': 'org:admin',
  'GET /api/v1/orgs/:orgId/teams/:teamId': 'keys:read',
  'PATCH /api/v1/orgs/:orgId/teams/:teamId': 'org:admin',
  'POST /api/v1/orgs/:orgId/teams/:teamId/members': 'org:admin',
  'DELETE /api/v1/orgs/:orgId/teams/:teamId/members/:userId': 'org:admin',
  'GET /api/v1/postman': 'public (unthrottled)',
  'GET /api/v1/providers': 'providers:read',
  'POST /api/v1/providers/webhooks/:provider/:jobId': 'public (unthrottled)',
  'GET /api/v1/subscription': 'credits:read',
  'GET /healthz': 'public (unthrottled)',
  'POST /v1/images/generations': 'images:generate',
  'POST /v1/images/edits': 'images:edit',
  'GET /metrics': 'public (unthrottled)',
  'GET /readyz': 'public (unthrottled)',
  'GET /': 'public (unthrottled)',
  'GET /console': 'public (unthrottled)',
  'GET /console/*': 'public (unthrottled)',
};

/** Routes that are not API operations: the document itself, and the web console's page and files. */
const UNDOCUMENTED = ['GET /api/v1/openapi', 'GET /', 'GET /console', 'GET /console/*'];

describe('routes, OpenAPI and operations', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('every route declares its access, and the list is the one we mean', () => {
    const routes = t.app.get(RouteAccessAudit).list();
    const actual = Object.fromEntries(
      routes.map((r) => {
        const a = r.access;
        const label = !a ? 'UNDECLARED' : a.kind === 'scope' ? a.scope : a.kind === 'public' && !a.throttled ? 'public (unthrottled)' : a.kind;
        return [`${r.method} ${r.path}`, label];
      }),
    );
    expect(actual).toEqual(EXPECTED_ACCESS);
  });

  it('refuses to start when a route declares no access', async () => {
    const { Controller, Get } = await import('@nestjs/common');
    const { DiscoveryService, MetadataScanner, Reflector } = await import('@nestjs/core');
    @Controller('forgotten')
    class ForgottenController {
      @Get()
      list() {}
    }
    const discovery = { getControllers: () => [{ instance: new ForgottenController() }] } as unknown as InstanceType<typeof DiscoveryService>;
    const audit = new RouteAccessAudit(discovery, new MetadataScanner(), new Reflector());
    expect(() => audit.onModuleInit()).toThrow(/GET \/forgotten/);
  });

  it('serves an OpenAPI 3 document of every route with security schemes and errors', async () => {
    const res = await t.http().get('/api/v1/openapi').expect(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
    expect(doc.components.schemas.Error).toBeDefined();
    const documented = new Set<string>();
    for (const [path, item] of Object.entries<Record<string, { operationId: string; summary?: string; responses: Record<string, unknown>; security?: unknown[] }>>(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const route = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
        documented.add(route);
        expect(op.operationId, route).toMatch(/^[a-z][A-Za-z]+$/);
        expect(op.summary, route).toBeTruthy();
        expect(op.responses['500'], route).toBeDefined();
        // Public routes say so (security: []); every other route names the credentials it takes.
        if (EXPECTED_ACCESS[route]?.startsWith('public')) expect(op.security, route).toEqual([]);
        else expect(op.security?.length, route).toBeGreaterThan(0);
      }
    }
    expect(doc.paths['/api/v1/orgs/{orgId}/api-keys'].get.parameters).toContainEqual(expect.objectContaining({ name: 'orgId', in: 'path', required: true }));
    const apiRoutes = Object.keys(EXPECTED_ACCESS).filter((r) => !UNDOCUMENTED.includes(r));
    expect(apiRoutes.filter((r) => !documented.has(r))).toEqual([]);
    expect(UNDOCUMENTED.filter((r) => documented.has(r))).toEqual([]);
    expect(doc.paths['/api/v1/orgs/{orgId}/api-keys'].post.responses['403']).toBeDefined();
    expect(doc.paths['/api/v1/orgs/{orgId}/api-keys'].post.requestBody).toBeDefined();
    // Edits take JSON or a form whose sources are files; OpenAI's edits take the form only.
    expect(doc.paths['/api/v1/images/edits'].post.requestBody.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/EditCreateDto' } },
      'multipart/form-data': { schema: { $ref: '#/components/schemas/EditFormDto' } },
    });
    expect(doc.components.schemas.EditFormDto.properties.images).toMatchObject({ type: 'array', items: { type: 'string', format: 'binary' } });
    expect(Object.keys(doc.paths['/v1/images/edits'].post.requestBody.content)).toEqual(['multipart/form-data']);
    expect(doc.paths['/api/v1/images/edits'].post['x-multipart-form']).toBeUndefined();
  });

  it('the committed docs/openapi.json is the current document (npm run openapi)', async () => {
    const res = await t.http().get('/api/v1/openapi').expect(200);
    const committed = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));
    // A server names its own PUBLIC_URL; the committed copy names the default one, wherever it was written.
    expect(res.body.servers).toEqual([{ url: t.config.publicUrl.replace(/\/+$/, ''), description: expect.any(String) }]);
    expect(committed.servers).toEqual([{ ...res.body.servers[0], url: COMMITTED_SERVER_URL }]);
    expect({ ...committed, servers: res.body.servers }).toEqual(res.body);
  });

  it('serves a Postman collection generated from it, and the reference UI', async () => {
    const postman = await t.http().get('/api/v1/postman').expect(200);
    expect(postman.body.info.schema).toMatch(/collection\/v2\.1\.0/);
    expect(postman.body.variable).toContainEqual(expect.objectContaining({ key: 'baseUrl', value: t.config.publicUrl.replace(/\/+$/, '') }));
    expect(JSON.stringify(postman.body.item)).toContain('api-keys');
    const docs = await t.http().get('/docs').redirects(1).expect(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
    expect(docs.text).toContain('/api/v1/openapi');
    // The reference's script is served by us, so /docs works offline.
    const script = /<script[^>]+src="([^"]+)"/.exec(docs.text)![1];
    expect(script).not.toMatch(/^https?:/);
    await t.http().get(`/docs/${script}`).expect(200);
  });

  it('answers health, readiness and Prometheus metrics by route and status', async () => {
    await t.http().get('/healthz').expect(200, { status: 'ok' });
    await t.http().get('/readyz').expect(200, { status: 'ready', database: 'up' });
    await t.http().get('/api/v1/me').expect(401);
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/text\/plain/);
    expect(metrics.text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/me",status="401"\} \d+/);
    expect(metrics.text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/healthz",status="200"\}/);
  });

  it('gives every error one shape: validation, unknown properties, bad JSON, unknown route, wrong method', async () => {
    const missing = await t.http().post('/api/v1/auth/register').send({ email: 'not-an-email' }).expect(400);
    expect(missing.body.error).toMatchObject({ code: 'validation_failed', requestId: expect.any(String) });
    expect(missing.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['email', 'name', 'password']);

    const extra = await t.http().post('/api/v1/auth/login').send({ email: 'a@example.com', password: 'x', admin: true }).expect(400);
    expect(extra.body.error.fields).toEqual([{ field: 'admin', messages: ['property admin should not exist'] }]);

    const json = await t.http().post('/api/v1/auth/login').set('content-type', 'application/json').send('{"email": ').expect(400);
    expect(json.body).toEqual({ error: { code: 'invalid_json', message: 'The request body is not valid JSON', requestId: expect.any(String) } });

    const xml = await t.http().post('/api/v1/auth/login').set('content-type', 'application/xml').send('<login/>').expect(415);
    expect(xml.body.error.code).toBe('unsupported_media_type');

    const unknown = await t.http().get('/api/v1/nothing-here').expect(404);
    expect(unknown.body.error.code).toBe('not_found');

    const method = await t.http().put('/api/v1/me').expect(405);
    expect(method.body.error).toMatchObject({ code: 'method_not_allowed', allowed: ['GET'] });
    expect(method.headers.allow).toBe('GET');

    const tooBig = await t.http().post('/api/v1/auth/login').set('content-type', 'application/json').send(JSON.stringify({ email: 'x'.repeat(31 * 1024 * 1024) })).expect(413);
    expect(tooBig.body.error.code).toBe('payload_too_large');
  });
});
