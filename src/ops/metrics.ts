import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';


/** Prometheus metrics: request counts and latency by route and status, provider calls, plus Node's defaults. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  /** The latency histogram's counts, copied when scraped: one metric update per request, not two. */
  private readonly requests: Counter<'method' | 'route' | 'status'> = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
    collect: async () => {
      this.requests.reset();
      for (const v of (await this.latency.get()).values) if (v.metricName === 'http_request_duration_seconds_count') this.requests.inc(v.labels, v.value);
    },
  });
  private readonly latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly providerCalls = new Histogram({
    name: 'provider_call_duration_seconds',
    help: "Jobs' calls to providers (polling included), by provider id, operation and outcome: ok, canceled, or the ProviderError kind",
    labelNames: ['provider', 'operation', 'outcome'] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
    registers: [this.registry],
  });
  /** Labelled children kept per series: prom-client hashes the label object on every lookup. */
  private readonly series = new Map<string, { observe(seconds: number): void }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.series.get(key);
    if (!series) {
      series = this.latency.labels({ method, route, status: String(status) });
      this.series.set(key, series);
    }
    series.observe(seconds);
  }

  /** A job's call to a provider ended; its count is the histogram's `_count`. */
  observeProviderCall(provider: string, operation: string, outcome: string, seconds: number): void {
    this.providerCalls.labels({ provider, operation, outcome }).observe(seconds);
  }
}
