import { describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../api/openapi';
import { queryEnum } from './webhooks-api';

const doc: OpenApiDocument = {
  paths: {
    '/api/v1/webhook-deliveries': {
      get: {
        parameters: [
          { name: 'status', in: 'query', schema: { type: 'string', enum: ['pending', 'failed'] } },
          { name: 'x-status', in: 'header', schema: { type: 'string', enum: ['not-a-filter'] } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
        ],
      },
    },
  },
};

describe('queryEnum', () => {
  it("reads a route's query parameter values from the OpenAPI document", () => {
    expect(queryEnum(doc, '/api/v1/webhook-deliveries', 'status')).toEqual(['pending', 'failed']);
  });

  it('offers nothing for a parameter without values, an unknown one or an unknown route', () => {
    expect(queryEnum(doc, '/api/v1/webhook-deliveries', 'cursor')).toEqual([]);
    expect(queryEnum(doc, '/api/v1/webhook-deliveries', 'x-status')).toEqual([]);
    expect(queryEnum(doc, '/api/v1/nothing', 'status')).toEqual([]);
  });
});
