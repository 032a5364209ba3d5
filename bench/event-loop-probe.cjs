// Preloaded into the measured server by bench/studio-event-loop.mjs (`node --require`): samples the
// event loop's delay every millisecond, and on SIGUSR2 prints one line with what it saw since the
// last one, then starts again. prom-client's own figure samples every 10 ms, which puts 10 ms under
// every reading; this one's floor is 1 ms.
const { monitorEventLoopDelay } = require('node:perf_hooks');

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
process.on('SIGUSR2', () => {
  const ms = (ns) => Math.round((ns / 1e6) * 10) / 10;
  process.stdout.write(`event-loop-probe ${JSON.stringify({ p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) })}\n`);
  histogram.reset();
});
