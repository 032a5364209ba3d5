import type { ProviderCallContext } from '../plugins/provider-context';
import { ProviderError } from '../plugins/provider-error';
import { OPERATION_METHODS, type PollResult, type ProviderOutput, type ProviderRequest } from '../plugins/provider-operations';
import type { ProviderRoute } from './provider-router';

/** Which target of its route a run is on and the remote work it started there: what a job checkpoints. */
export interface RemoteWork {
  target: number;
  ids: string[];
}

const POLL_DEFAULT_MS = 2_000;
const POLL_MIN_MS = 250;
const POLL_MAX_MS = 30_000;
/** With a webhook to wake it, the poll is only the safety net for a delivery that never comes. */
const POLL_WITH_WEBHOOK_MS = 10_000;
/** Remote work not done after this long fails the run; the next run polls the same remote work again. */
const REMOTE_WORK_TIMEOUT_MS = 30 * 60_000;
const CHECKPOINT_LENGTH = 255;
const CANCEL_TIMEOUT_MS = 10_000;

/** Waits between polls: `ms`, or less when a webhook says the work moved on; rejects when `signal` aborts. */
export type PollWait = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * One call of a job to one target: the operation's method, or for slow backends submit (unless an
 * earlier run did, as its checkpoint says) and poll until the work is done or failed.
 */
export async function callOnce(
  route: ProviderRoute,
  request: ProviderRequest,
  contextWith: (signal: AbortSignal) => ProviderCallContext,
  signal: AbortSignal,
  index: number,
  work: RemoteWork,
  checkpoint: (value: string) => Promise<void>,
  wait: PollWait,
): Promise<ProviderOutput[]> {
  const { plugin } = route.provider;
  const ctx = contextWith(signal);
  if (!plugin.submit || !plugin.poll) {
    const method = plugin[OPERATION_METHODS[request.operation]] as (input: unknown, ctx: ProviderCallContext) => Promise<ProviderOutput[]>;
    return method.call(plugin, request.input, ctx);
  }
  if (!work.ids[index]) {
    work.ids[index] = (await plugin.submit(request, ctx)).remoteId;
    const value = checkpointOf(work);
    if (value.length <= CHECKPOINT_LENGTH) await checkpoint(value);
    else ctx.logger.warn('remote ids too long to checkpoint: a run after a crash submits again', { remoteIds: work.ids });
  }
  const state = await pollUntilDone(route, work.ids[index], ctx, contextWith, wait);
  if (state.status === 'done') return state.outputs;
  // The remote work itself failed: a retry must start it again, not poll its corpse.
  work.ids[index] = '';
  await checkpoint(checkpointOf(work));
  throw state.error;
}

async function pollUntilDone(route: ProviderRoute, remoteId: string, ctx: ProviderCallContext, contextWith: (signal: AbortSignal) => ProviderCallContext, wait: PollWait): Promise<Exclude<PollResult, { status: 'pending' }>> {
  const { plugin } = route.provider;
  const deadline = Date.now() + REMOTE_WORK_TIMEOUT_MS;
  try {
    for (;;) {
      const state = await plugin.poll!(remoteId, ctx);
      if (state.status !== 'pending') return state;
      if (Date.now() > deadline) throw new ProviderError('transient', `the remote work ${remoteId} did not finish in ${REMOTE_WORK_TIMEOUT_MS / 60_000} minutes`);
      const asked = Math.max(POLL_MIN_MS, state.retryAfterMs ?? POLL_DEFAULT_MS);
      await wait(Math.min(POLL_MAX_MS, ctx.webhookUrl ? Math.max(asked, POLL_WITH_WEBHOOK_MS) : asked), ctx.signal);
    }
  } catch (err) {
    // Cancelled: ask the backend to stop, so the work is not paid for in vain; its answer changes nothing here.
    if (ctx.signal.aborted && plugin.cancel) await plugin.cancel(remoteId, contextWith(AbortSignal.timeout(CANCEL_TIMEOUT_MS))).catch(() => undefined);
    throw err;
  }
}

/** The target and remote ids of a checkpoint; a bare list of ids (written before fallbacks) is the first target's. */
export function parseCheckpoint(value: string | null, targets: number): RemoteWork {
  if (!value) return { target: 0, ids: [] };
  try {
    const parsed = JSON.parse(value) as unknown;
    if (Array.isArray(parsed)) return { target: 0, ids: parsed.map(String) };
    const { t, ids } = parsed as { t?: unknown; ids?: unknown };
    if (Number.isInteger(t) && (t as number) >= 0 && (t as number) < targets && Array.isArray(ids)) return { target: t as number, ids: ids.map(String) };
  } catch {
    // An unreadable checkpoint starts the route over.
  }
  return { target: 0, ids: [] };
}

function checkpointOf(work: RemoteWork): string {
  return work.target === 0 ? JSON.stringify(work.ids) : JSON.stringify({ t: work.target, ids: work.ids });
}
