/// <reference lib="webworker" />
/**
 * Worker entry: wires the handler to `self`. Everything else lives in handler.ts (testable in
 * Node) and backends.ts (browser only).
 */
// Stock gradients, then the project's fixes (tfjs-core alone registers no gradients).
import '../core/tf/registerStockGradients';
import { initBackend, loseDevice } from './backends';
import { createDatasetCache } from './datasetCache';
import { createHandler, type HandlerEnv } from './handler';
import type { Command, WorkerEvent } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

const post = (e: WorkerEvent, transfer?: Transferable[]): void => {
  scope.postMessage(e, transfer ?? []);
};

/** A macrotask, so that queued pause/cancel messages run between two cells. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

const env: HandlerEnv = {
  async fetchBuiltin() {
    const url = new URL(`${import.meta.env.BASE_URL}data/mnist.bin`, scope.location.origin);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  },
  initBackend,
  now: () => performance.now(),
  yieldToEvents,
  logError: (err) => console.error(err),
  holdLock(name) {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    if (!locks) return Promise.resolve(false);
    // Released only when this worker dies (terminated, crashed or closed): the app waits on it.
    return new Promise<boolean>((resolve, reject) => {
      locks
        .request(name, () => {
          resolve(true);
          return new Promise<never>(() => undefined);
        })
        .catch(reject);
    });
  },
  loseDevice,
};
const cache = createDatasetCache();
if (cache) env.cache = cache;

const handle = createHandler(post, env);

scope.onmessage = (ev: MessageEvent<Command>) => {
  // Not awaited: pause and cancel must get through while a sweep runs.
  void handle(ev.data);
};
