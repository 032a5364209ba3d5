/**
 * Polls rows for the ids a process is watching, across processes: `check(ids)` every `everyMs`
 * while any id is watched (one query for all of them, never two at once), calling `onHit` for each
 * id it returns. A failed poll is simply tried again next time. The owner keeps the ids; it calls
 * `wake()` after adding one and `settle()` after removing one, so the timer runs only while needed
 * and never keeps the process alive.
 */
export class IdPoller {
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly ids: () => string[],
    private readonly check: (ids: string[]) => Promise<string[]>,
    private readonly onHit: (id: string) => void,
    private readonly everyMs: number,
  ) {}

  wake(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.everyMs);
    this.timer.unref();
  }

  settle(): void {
    if (!this.ids().length) this.stop();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    const ids = this.ids();
    if (this.polling || !ids.length) return;
    this.polling = true;
    try {
      for (const id of await this.check(ids)) this.onHit(id);
    } catch {
      // The next poll tries again.
    } finally {
      this.polling = false;
    }
  }
}
