/**
 * How many turns the event loop took while `run` ran: 0 for work that never lets it turn (its promise
 * settles in the same turn), one or more per slice for work that yields between slices. For tests.
 */
export async function turnsDuring(run: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const turn = () => {
    if (!running) return;
    turns++;
    setImmediate(turn);
  };
  setImmediate(turn);
  try {
    await run();
  } finally {
    running = false;
  }
  return turns;
}
