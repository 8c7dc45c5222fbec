/**
 * Entry of one CLI worker thread: initialises its own tfjs backend (wasm, on `wasmThreads` XNNPACK
 * threads), receives the
 * prepared dataset once, and runs the tasks the scheduler hands it through `localExecutor`: a
 * column's L_0 and λ_0 come with the task when another thread measured them, else this thread
 * measures them and posts them back (`init`) for the scheduler to hand on.
 * Cancellation arrives through shared memory, so a run sees it between two steps even while this
 * thread's event loop is busy.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { initNodeBackend } from '../node/backend';
import { localExecutor } from '../core/sweep/scheduler';
import { modelInfo } from '../core/models/kinds';
import type { ThreadCommand, ThreadEvent } from './threadProtocol';

const port = parentPort;
if (!port) throw new Error('sweepThread: not started as a worker thread');

let executor: ReturnType<typeof localExecutor> | null = null;
let cancelFlag: Int32Array | null = null;

const post = (e: ThreadEvent): void => port.postMessage(e);
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

port.on('message', (cmd: ThreadCommand) => {
  if (cmd.type === 'init') {
    cancelFlag = new Int32Array(cmd.cancel);
    const { settings, data } = cmd;
    const ready = modelInfo(settings.model).ownColumn
      ? Promise.resolve('none')
      : initNodeBackend(cmd.backend, { wasmThreads: cmd.wasmThreads });
    ready.then(
      (backend) => {
        executor = localExecutor(settings, data, { now: () => performance.now() });
        post({ type: 'ready', backend });
      },
      (err: unknown) => post({ type: 'failed', message: message(err) }),
    );
    return;
  }
  const { task } = cmd;
  const ex = executor;
  if (!ex || !cancelFlag) {
    post({ type: 'error', taskId: task.id, message: 'run before init' });
    return;
  }
  const flag = cancelFlag;
  let started = false;
  ex.run(task, {
    onStep(p) {
      // Only step 0 travels back: it carries L_0 and λ_0 (the CLI draws no curves).
      if (started || p.step !== 0) return;
      started = true;
      post({
        type: 'start',
        taskId: task.id,
        loss0: p.loss[0] ?? NaN,
        lambda0: p.sharpness[0] ?? NaN,
      });
    },
    isCancelled: () => Atomics.load(flag, 0) === task.id,
    onInit: (init) => post({ type: 'init', taskId: task.id, init }),
  }).then(
    (out) => post({ type: 'result', taskId: task.id, result: out }),
    (err: unknown) => post({ type: 'error', taskId: task.id, message: message(err) }),
  );
});
