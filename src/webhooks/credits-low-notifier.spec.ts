import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { CreditEvents } from '../credits/credit-events';
import { CreditsLowNotifier } from './credits-low-notifier';
import type { WebhookPublisher } from './webhook-publisher';

function notifierWith(threshold: number) {
  const published: { orgId: string; event: { type: string; data: unknown } }[] = [];
  const publisher = { publish: async (orgId: string, event: { type: string; data: unknown }) => void published.push({ orgId, event }) } as unknown as WebhookPublisher;
  const notifier = new CreditsLowNotifier(new CreditEvents(), publisher, { webhooks: { creditsLowThreshold: threshold } } as AppConfig);
  return { notifier, published };
}

describe('CreditsLowNotifier', () => {
  it('publishes credits.low for the drop that crosses the threshold, with the balance after it', async () => {
    const { notifier, published } = notifierWith(100);
    await notifier.notify({ orgId: 'org-1', before: 100, after: 99 });
    expect(published).toEqual([{ orgId: 'org-1', event: expect.objectContaining({ type: 'credits.low', data: { creditsBalance: 99, threshold: 100 } }) }]);
  });

  it('stays quiet above the threshold, below it already, and when the threshold is 0', async () => {
    const { notifier, published } = notifierWith(100);
    await notifier.notify({ orgId: 'org-1', before: 300, after: 100 });
    await notifier.notify({ orgId: 'org-1', before: 99, after: 50 });
    const off = notifierWith(0);
    await off.notifier.notify({ orgId: 'org-1', before: 1, after: 0 });
    expect([...published, ...off.published]).toEqual([]);
  });

  it('listens to CreditEvents once the module starts', async () => {
    const events = new CreditEvents();
    const published: string[] = [];
    const publisher = { publish: async (orgId: string) => void published.push(orgId) } as unknown as WebhookPublisher;
    new CreditsLowNotifier(events, publisher, { webhooks: { creditsLowThreshold: 10 } } as AppConfig).onModuleInit();
    events.balanceDropped({ orgId: 'org-2', before: 10, after: 9 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toEqual(['org-2']);
  });
});
