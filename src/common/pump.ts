/**
 * A kick-and-drain loop: `kick()` runs `drain` (take due work until none is left) unless a drain is
 * running, in which case that drain is followed by one more, so work that arrived while it looked
 * is not left for the next poll; any number of kicks meanwhile make one more drain, not many.
 * `start(everyMs)` also kicks on a timer that does not keep the process alive. Kicks before start()
 * and after stop() are ignored, so a process that must not do the work (an `api` node) never starts it.
 */
export class Pump {
  private timer?: NodeJS.Timeout;
  private draining: Promise<void> | null = null;
  private again = false;
  private started = false;
  private stopped = false;

  /** `drain` should take work until none is due; whatever it throws goes to `onError`, and later kicks drain again. */
  constructor(private readonly drain: () => Promise<void>, private readonly onError: (err: unknown) => void) {}

  /** True once stop() was called: a drain in progress should stop taking work. */
  get stopping(): boolean {
    return this.stopped;
  }

  start(everyMs: number): void {
    if (this.stopped) return;
    this.started = true;
    this.timer = setInterval(() => this.kick(), everyMs);
    this.timer.unref();
    this.kick();
  }

  kick(): void {
    if (!this.started || this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch((err: unknown) => this.onError(err))
      .finally(() => {
        this.draining = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** No more drains; waits for the one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.draining;
  }
}
