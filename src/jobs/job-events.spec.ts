import { describe, expect, it } from 'vitest';
import { JobEvents } from './job-events';
import { Job } from './job.entity';

describe('JobEvents.needsRecovery', () => {
  const job = Object.assign(new Job(), { orgId: 'org-1', type: 'images.generate' });
  const listener = async () => undefined;

  it('answers false when every listener says it needs nothing redone after a crash', async () => {
    const events = new JobEvents();
    events.onFinished(listener, () => false);
    events.onFinished(listener, async (_job, status) => status !== 'completed');
    expect(await events.needsRecovery(job, 'completed')).toBe(false);
    expect(await events.needsRecovery(job, 'failed')).toBe(true);
  });

  it('counts a listener registered without a check as needing every end recovered', async () => {
    const events = new JobEvents();
    events.onFinished(listener, () => false);
    events.onFinished(listener);
    expect(await events.needsRecovery(job, 'completed')).toBe(true);
  });

  it('passes each check the job, so a listener can answer per job', async () => {
    const events = new JobEvents();
    events.onFinished(listener, (j) => j.webhookUrl !== null);
    expect(await events.needsRecovery(job, 'completed')).toBe(false);
    expect(await events.needsRecovery(Object.assign(new Job(), { webhookUrl: 'https://example.com/hook' }), 'completed')).toBe(true);
  });
});
