import { describe, expect, it } from 'vitest';
import { inSlices } from './slices';

describe('inSlices', () => {
  it('visits every index once, in order, in slices of the size given', async () => {
    const slices: [number, number][] = [];
    await inSlices(10, 4, (from, to) => slices.push([from, to]));
    expect(slices).toEqual([[0, 4], [4, 8], [8, 10]]);
  });

  it('lets the event loop turn between slices', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    await inSlices(3, 1, (from) => order.push(`slice ${from}`));
    expect(order.indexOf('other work')).toBeGreaterThan(0);
    expect(order.indexOf('other work')).toBeLessThan(order.length - 1);
  });
});
