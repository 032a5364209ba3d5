/**
 * Group commit: calls that arrive while a flush is running wait for it to end and are then flushed
 * together (up to `maxBatch` at a time), so under load many jobs share one transaction. A call that
 * finds nothing running is flushed once the current turn of the event loop ends (setImmediate), with
 * the calls made in the same turn: the jobs of one completed batch settle together, not the first
 * alone. A batch that fails is retried one call at a time, so one bad item cannot fail the others.
 */
export class Batcher<In, Out> {
  private pending: { item: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly flushFn: (items: In[]) => Promise<Out[]>, private readonly maxBatch = 100) {}

  run(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const out = await this.flushFn(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(out[i]));
      } catch (err) {
        if (batch.length === 1) batch[0].reject(err);
        else for (const b of batch) await this.flushFn([b.item]).then(([out]) => b.resolve(out), b.reject);
      }
    }
    this.flushing = false;
  }
}
