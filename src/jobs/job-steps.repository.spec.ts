import { describe, expect, it } from 'vitest';
import { stepOfRow, type JobStepRow } from './job-steps.repository';

const row: JobStepRow = {
  job_id: 'j1', attempt: 2, provider: 'aura', model: 'aura-1', key_source: 'byok', status: 'failed', error_code: 'provider_error', error_message: 'it broke',
  request_id: 'req-1', latency_ms: 1234, provider_cost: 0.0425, provider_cost_currency: 'USD', credits: 0, created_at: 1764498423123,
};
const step = {
  jobId: 'j1', attempt: 2, provider: 'aura', model: 'aura-1', keySource: 'byok', status: 'failed', errorCode: 'provider_error', errorMessage: 'it broke',
  requestId: 'req-1', latencyMs: 1234, providerCost: 0.0425, providerCostCurrency: 'USD', credits: 0, createdAt: new Date('2025-11-30T10:27:03.123Z'),
};

describe('stepOfRow', () => {
  it('reads a SQLite row: the datetime as epoch milliseconds', () => {
    expect(stepOfRow(row)).toEqual(step);
  });

  it('reads a PostgreSQL row: the timestamptz as text, numbers that may come as text', () => {
    expect(stepOfRow({ ...row, created_at: '2025-11-30 10:27:03.123+00', attempt: '2', latency_ms: '1234', provider_cost: '0.0425', credits: '0' })).toEqual(step);
  });

  it('keeps what is null null, and a zero cost a zero', () => {
    const read = stepOfRow({ ...row, error_code: null, error_message: null, request_id: null, provider_cost: null, provider_cost_currency: null });
    expect(read).toMatchObject({ errorCode: null, errorMessage: null, requestId: null, providerCost: null, providerCostCurrency: null });
    expect(stepOfRow({ ...row, provider_cost: 0 }).providerCost).toBe(0);
  });
});
