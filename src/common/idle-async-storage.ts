import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Switches each AsyncLocalStorage off again whenever none of its `run` calls is still going, on Node
 * versions where an enabled one costs every promise of the process.
 *
 * Until Node 24 (AsyncContextFrame), AsyncLocalStorage is built on promise hooks, which stay on for
 * good once any instance has been entered: about a tenth of the CPU of a cached read such as
 * `GET /api/v1/me` (docs/architecture.md). MikroORM enters one on every flush and transaction (its
 * `insideFlush` and TransactionContext stores) and library clients enter their own, so a node that
 * writes anything would pay for them on every request from then on. Those stores are only read
 * inside the work they wrap, so once the work of every `run` of an instance has settled nothing can
 * read it, and `disable()` lets Node turn the hooks off when no instance is left enabled. A later
 * `run` enables the instance again. Call once, before anything enters a store.
 */
export function switchOffIdleAsyncStorage(): void {
  if (installed || !enteringCostsPromiseHooks()) return;
  installed = true;
  const run = AsyncLocalStorage.prototype.run;
  const running = new WeakMap<AsyncLocalStorage<unknown>, number>();
  const settled = (storage: AsyncLocalStorage<unknown>) => {
    const left = (running.get(storage) ?? 1) - 1;
    running.set(storage, left);
    if (left === 0) storage.disable();
  };
  AsyncLocalStorage.prototype.run = function runThenSwitchOff<R, A extends unknown[]>(this: AsyncLocalStorage<unknown>, store: unknown, work: (...args: A) => R, ...args: A): R {
    running.set(this, (running.get(this) ?? 0) + 1);
    let result: R;
    try {
      result = run.call(this, store, work, ...args) as R;
    } catch (err) {
      settled(this);
      throw err;
    }
    if (!(result instanceof Promise)) {
      settled(this);
      return result;
    }
    // A new promise that settles as the work's does, so a rejection nobody handles is still reported.
    return result.finally(() => settled(this)) as R;
  };
}

let installed = false;

/**
 * Whether this Node's AsyncLocalStorage is the one built on async hooks: it propagates its stores
 * through an init hook (`_propagate`), which the AsyncContextFrame one of Node 24 does not have.
 */
function enteringCostsPromiseHooks(): boolean {
  return typeof (AsyncLocalStorage.prototype as { _propagate?: unknown })._propagate === 'function';
}
