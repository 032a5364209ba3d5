import { executionAsyncId } from 'node:async_hooks';

/**
 * Whether promise hooks are on in this process. With them on (on Node 20, once any AsyncLocalStorage
 * is enabled) every promise gets an async id of its own, so two awaits in a row run under different
 * ids; with them off both continuations run under the same one.
 */
export async function promiseHooksOn(): Promise<boolean> {
  await null;
  const first = executionAsyncId();
  await null;
  return executionAsyncId() !== first;
}
