import { useStore } from 'zustand';
import { useServices } from '../services';
import { useApp } from '../store/store';
import { sweepInProgress } from '../store/sweepSlice';
import { MAX_POOL, parsePoolChoice } from '../sweep/poolSize';

/**
 * "Workers: N ▾": how many training workers run the sweep. 'Auto' is one per core on WebAssembly
 * and one on a real GPU; the reason is shown next to it, and so is why a sweep uses fewer (the
 * uv model, an ensemble). The choice is remembered in this browser and is not a setting: the
 * results are the same for any number of workers. Changed during a sweep, it applies when the
 * sweep ends.
 */
export function PoolControl() {
  const { controller, setPoolSize } = useServices();
  const pool = useStore(controller.pool);
  const busy = useApp((s) => sweepInProgress(s.status));
  const cores = navigator.hardwareConcurrency || 1;
  const most = Math.min(MAX_POOL, Math.max(4, cores, pool.size));
  const sizes = Array.from({ length: most }, (_, i) => i + 1);
  const fewer =
    busy && pool.sweepWorkers !== null && pool.sweepWorkers < pool.size ? pool.sweepWhy : null;
  const note = pool.pending
    ? `${pool.size} from the next run on`
    : fewer !== null
      ? `this sweep: 1 (${fewer})`
      : pool.choice === 'auto'
        ? pool.why
        : null;
  const title = [
    `${pool.ready} of ${pool.size} worker${pool.size === 1 ? '' : 's'} ready.`,
    `Auto here: ${pool.auto.size} (${pool.auto.why}).`,
    'The results are the same for any number of workers.',
  ].join('\n');
  return (
    <label
      className="pool-control"
      data-testid="pool"
      data-workers={pool.size}
      data-ready={pool.ready}
      data-sweep-workers={pool.sweepWorkers ?? ''}
      title={title}
    >
      Workers
      <select
        value={pool.choice === 'auto' ? 'auto' : String(pool.choice)}
        onChange={(e) => setPoolSize(parsePoolChoice(e.target.value))}
      >
        <option value="auto">Auto ({pool.auto.size})</option>
        {sizes.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      {note !== null ? (
        <span className="pool-why" data-testid="pool-why">
          {note}
        </span>
      ) : null}
    </label>
  );
}
