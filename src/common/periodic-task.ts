/**
 * Runs `work` every `everyMs` without keeping the process alive, never two runs at once (a run asked
 * for while one is going gets that one); stop() waits for a run in progress.
 */
export class PeriodicTask<T> {
  private timer?: NodeJS.Timeout;
  private running: Promise<T> | null = null;

  constructor(private readonly work: (now: Date) => Promise<T>, private readonly everyMs: number) {}

  start(): void {
    this.timer = setInterval(() => void this.run(), this.everyMs);
    this.timer.unref();
  }

  run(now = new Date()): Promise<T> {
    this.running ??= this.work(now).finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
