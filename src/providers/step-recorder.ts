import { JobStep, type KeySource } from '../jobs/job-step.entity';
import type { ProviderCallReport, ProviderCost } from '../plugins/provider-context';

const MESSAGE_LENGTH = 500;
const REQUEST_ID_LENGTH = 200;

/** One try of one target as it goes: when it started, whose key, what the provider reported; then the step row it ends as. */
export class StepRecorder {
  keySource: KeySource = 'platform';
  private readonly started = performance.now();
  private readonly report: ProviderCallReport = {};

  constructor(private readonly call: { jobId: string; orgId: string; attempt: number; test?: boolean }, private readonly target: { provider: string; model: string }) {}

  /** A plugin's ctx.report: later fields override earlier ones. */
  reported(report: ProviderCallReport): void {
    Object.assign(this.report, Object.fromEntries(Object.entries(report).filter(([, v]) => v !== undefined)));
  }

  elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** `listed`: the model's list price, for a provider that did not report what it charged. */
  succeeded(credits: number, listed?: ProviderCost): JobStep {
    return this.step('succeeded', { credits, cost: this.report.cost ?? listed });
  }

  failed(error: { code: string; message: string }): JobStep {
    return this.step('failed', { error });
  }

  skipped(code: string, message: string): JobStep {
    return this.step('skipped', { error: { code, message } });
  }

  private step(status: JobStep['status'], end: { credits?: number; cost?: ProviderCost; error?: { code: string; message: string } }): JobStep {
    return Object.assign(new JobStep(), {
      jobId: this.call.jobId,
      orgId: this.call.orgId,
      attempt: this.call.attempt,
      provider: this.target.provider,
      model: this.target.model,
      keySource: this.keySource,
      status,
      errorCode: end.error?.code ?? null,
      errorMessage: end.error?.message.slice(0, MESSAGE_LENGTH) ?? null,
      requestId: this.report.requestId?.slice(0, REQUEST_ID_LENGTH) ?? null,
      latencyMs: status === 'skipped' ? 0 : Math.round(performance.now() - this.started),
      providerCost: end.cost && Number.isFinite(end.cost.amount) ? end.cost.amount : null,
      providerCostCurrency: end.cost ? end.cost.currency.slice(0, 32) : null,
      credits: end.credits ?? 0,
      test: this.call.test ?? false,
    });
  }
}
