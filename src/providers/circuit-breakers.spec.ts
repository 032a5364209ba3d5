import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { circuitKey, CircuitBreakers } from './circuit-breakers';

describe('CircuitBreakers', () => {
  let breakers: CircuitBreakers;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    breakers = new CircuitBreakers({ routing: { breakerFailures: 3, breakerCooldownSeconds: 30 } } as AppConfig);
  });
  afterEach(() => vi.useRealTimers());

  it('stays closed below the threshold, degraded by recent failures, and a success clears them', () => {
    breakers.failed('p');
    breakers.failed('p');
    expect([breakers.allow('p'), breakers.state('p')]).toEqual([true, 'degraded']);
    breakers.succeeded('p');
    expect(breakers.state('p')).toBe('healthy');
  });

  it('opens at the threshold for the cooldown, then lets exactly one trial through; a failed trial opens it again', () => {
    for (let i = 0; i < 3; i++) breakers.failed('p');
    expect([breakers.allow('p'), breakers.state('p'), breakers.reopensAt('p')]).toEqual([false, 'open', 1_030_000]);
    vi.setSystemTime(1_030_001);
    expect([breakers.allow('p'), breakers.allow('p'), breakers.state('p')]).toEqual([true, false, 'degraded']);
    breakers.failed('p');
    expect(breakers.state('p')).toBe('open');
  });

  it("waits out a provider's longer Retry-After, and opens at once for a refused key", () => {
    for (let i = 0; i < 3; i++) breakers.failed('p', 120_000);
    expect(breakers.reopensAt('p')).toBe(1_120_000);
    breakers.keyRejected('k');
    expect(breakers.reopensAt('k')).toBe(1_030_000);
    breakers.reset('k');
    expect(breakers.allow('k')).toBe(true);
  });

  it('frees the trial of a cancelled call for the next one', () => {
    breakers.keyRejected('p');
    vi.setSystemTime(1_030_001);
    expect(breakers.allow('p')).toBe(true);
    breakers.released('p');
    expect(breakers.allow('p')).toBe(true);
  });

  it("keeps the platform's key and each organisation's own apart", () => {
    expect(new Set([circuitKey('openai', 'platform', 'o1'), circuitKey('openai', 'organization', 'o1'), circuitKey('openai', 'organization', 'o2')]).size).toBe(3);
  });
});
