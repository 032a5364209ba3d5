import { setImmediate as nextTurn } from 'node:timers/promises';

/** About this many pixels are handled between two turns of the event loop (a few milliseconds' work). */
export const PIXELS_PER_SLICE = 262_144;

/**
 * Calls `visit(from, to)` over 0..count in slices of `perSlice`, letting the event loop turn between
 * slices, so a loop over every pixel of a large image never holds it for long.
 */
export async function inSlices(count: number, perSlice: number, visit: (from: number, to: number) => void): Promise<void> {
  const size = Math.max(1, Math.floor(perSlice));
  for (let from = 0; from < count; from += size) {
    if (from > 0) await nextTurn();
    visit(from, Math.min(count, from + size));
  }
}
