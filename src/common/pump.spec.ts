import { afterEach, describe, expect, it, vi } from 'vitest';
import { Pump } from './pump';

/** A drain that waits until released, counting its runs. */
function gatedDrain() {
  const state = { runs: 0, release: () => undefined as void };
  const drain = async () => {
    state.runs++;
    await new Promise<void>((r) => (state.release = r));
  };
  return { state, drain };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Pump', () => {
  afterEach(() => vi.useRealTimers());

  it('drains once at a time; kicks during a drain make exactly one more', async () => {
    const { state, drain } = gatedDrain();
    const pump = new Pump(drain, () => undefined);
    pump.start(60_000);
    expect(state.runs).toBe(1);
    pump.kick();
    pump.kick();
    pump.kick();
    expect(state.runs).toBe(1);
    state.release();
    await tick();
    expect(state.runs).toBe(2);
    state.release();
    await tick();
    expect(state.runs).toBe(2);
    await pump.stop();
  });

  it('ignores kicks before start and after stop, and stop waits for the drain in progress', async () => {
    const { state, drain } = gatedDrain();
    const pump = new Pump(drain, () => undefined);
    pump.kick();
    expect(state.runs).toBe(0);
    pump.start(60_000);
    let stopped = false;
    const stopping = pump.stop().then(() => (stopped = true));
    expect(pump.stopping).toBe(true);
    await tick();
    expect(stopped).toBe(false);
    state.release();
    await stopping;
    pump.kick();
    pump.start(60_000);
    expect(state.runs).toBe(1);
  });

  it('hands a failed drain to onError and drains again at the next kick', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const pump = new Pump(async () => {
      runs++;
      if (runs === 1) throw new Error('database gone');
    }, (err) => errors.push(err));
    pump.start(60_000);
    await tick();
    expect(errors).toEqual([new Error('database gone')]);
    pump.kick();
    await tick();
    expect(runs).toBe(2);
    await pump.stop();
  });

  it('kicks itself on its timer', async () => {
    vi.useFakeTimers();
    let runs = 0;
    const pump = new Pump(async () => void runs++, () => undefined);
    pump.start(500);
    await vi.advanceTimersByTimeAsync(1600);
    expect(runs).toBe(4);
    await pump.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(4);
  });
});
