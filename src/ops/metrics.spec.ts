import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics';

describe('Metrics', () => {
  it('counts requests per series from the latency histogram, the same on every scrape', async () => {
    const metrics = new Metrics();
    for (const seconds of [0.001, 0.002, 0.003]) metrics.observe('GET', '/api/v1/me', 200, seconds);
    metrics.observe('GET', '/api/v1/me', 429, 0.001);
    for (let scrape = 0; scrape < 2; scrape++) {
      const text = await metrics.registry.metrics();
      expect(text).toContain('http_requests_total{method="GET",route="/api/v1/me",status="200"} 3');
      expect(text).toContain('http_requests_total{method="GET",route="/api/v1/me",status="429"} 1');
      expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/api/v1/me",status="200"} 3');
    }
  });
});
