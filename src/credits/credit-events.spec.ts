import { describe, expect, it } from 'vitest';
import { CreditEvents, type BalanceDrop } from './credit-events';

describe('CreditEvents', () => {
  it('tells every listener, and a failing one neither throws nor stops the others', async () => {
    const events = new CreditEvents();
    const heard: BalanceDrop[] = [];
    events.onBalanceDrop(() => Promise.reject(new Error('listener down')));
    events.onBalanceDrop(async (drop) => {
      heard.push(drop);
    });
    expect(() => events.balanceDropped({ orgId: 'org-1', before: 120, after: 80 })).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual([{ orgId: 'org-1', before: 120, after: 80 }]);
  });
});
