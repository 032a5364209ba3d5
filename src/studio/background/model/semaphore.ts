/** At most `permits` holders at once; the others wait their turn in order, and may give up waiting. */
export class Semaphore {
  private available: number;
  private readonly waiting: (() => void)[] = [];

  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new Error(`a semaphore needs at least one permit, not ${permits}`);
    this.available = permits;
  }

  /** Waits for a permit; rejects with the signal's reason if it aborts first (the place in line is given up). */
  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.available > 0) {
      this.available--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(signal?.reason);
      };
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Hands the permit to the next in line, or returns it. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available++;
  }
}
