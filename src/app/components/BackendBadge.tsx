import { useServices } from '../services';
import { useApp } from '../store/store';
import { sweepInProgress } from '../store/sweepSlice';
import { isSoftwareAdapter } from '../sweep/poolSize';

const NAMES = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU (JavaScript)' };

/** Why a GPU was refused for speed: the badge's words, and the longer ones read aloud. */
const BECAUSE = {
  slower: {
    shown: 'measured faster here than the GPU',
    spoken: 'chosen because a timed probe found it faster than the GPU',
  },
  software: {
    shown: 'faster here: the GPU is emulated in software',
    spoken: 'chosen because the GPU is a software one',
  },
};

/**
 * The active backend and GPU adapter, always visible; why better backends were refused on hover.
 * A software GPU is skipped for WebAssembly by default, and so is a hardware one that WebAssembly
 * beats in a short timed probe; the badge says which. The user may still pick the GPU ("Use the
 * GPU anyway") or WebAssembly outright, and the choice is kept.
 */
export function BackendBadge() {
  const services = useServices();
  const backend = useApp((s) => s.backend);
  const state = useApp((s) => s.workerState);
  const restarts = useApp((s) => s.restarts);
  const busy = useApp((s) => sweepInProgress(s.status));
  const pref = services.backendPreference();
  // A GPU backend refused for speed: its adapter is emulated in software, or WebAssembly won
  // the timed probe (see worker/backends.ts).
  const skipped = backend?.refused.find((r) => r.why !== undefined) ?? null;
  const because = skipped?.why ? BECAUSE[skipped.why] : null;
  let text: string;
  let title: string;
  if (state === 'booting') {
    text = 'Starting backend…';
    title = 'Probing WebGPU, WebGL, WebAssembly and CPU in turn.';
  } else if (state === 'failed' || !backend) {
    text = 'No backend';
    title = 'No backend could start in this browser.';
  } else {
    text = NAMES[backend.name];
    const refused = backend.refused.map((r) => `${r.backend}: ${r.reason}`);
    title = [
      `Training runs on ${NAMES[backend.name]}${backend.adapter ? ` (${backend.adapter})` : ''}.`,
      ...(skipped ? [`Chosen over ${NAMES[skipped.backend]}: ${skipped.reason}.`] : []),
      ...(refused.length ? ['Not used:', ...refused] : []),
      ...(restarts.length ? ['Restarts:', ...restarts] : []),
    ].join('\n');
  }
  const software =
    backend !== null &&
    (backend.name === 'webgpu' || backend.name === 'webgl') &&
    isSoftwareAdapter(backend.adapter);
  const ready = state === 'ready';
  return (
    <div className="backend-area">
      <div
        className={`backend-badge backend-${backend?.name ?? state}`}
        data-testid="backend"
        data-backend={backend?.name ?? ''}
        title={title}
        role="status"
        aria-label={`Backend: ${text}${backend?.adapter ? `, adapter ${backend.adapter}` : ''}${because ? `, ${because.spoken}` : ''}`}
      >
        <span className="backend-dot" aria-hidden="true" />
        <span className="backend-name">{text}</span>
        {backend?.adapter ? <span className="backend-adapter">{backend.adapter}</span> : null}
        {because && ready ? (
          <span className="backend-why" data-testid="backend-why">
            {because.shown}
          </span>
        ) : null}
        {restarts.length > 0 ? (
          <span className="backend-restarts">
            {restarts.length} restart{restarts.length > 1 ? 's' : ''}
          </span>
        ) : null}
      </div>
      {software ? (
        <button
          type="button"
          className="secondary backend-switch"
          disabled={busy}
          title="This GPU is emulated in software: WebAssembly on the CPU is many times faster here."
          onClick={() => services.preferBackends('auto')}
        >
          Use WebAssembly (faster here)
        </button>
      ) : null}
      {skipped && ready ? (
        <button
          type="button"
          className="secondary backend-switch"
          disabled={busy}
          title={`Run on ${NAMES[skipped.backend]} all the same (${skipped.reason}).`}
          onClick={() => services.preferBackends('gpu')}
        >
          Use the GPU anyway
        </button>
      ) : null}
      {ready && pref === 'cpu' ? (
        <button
          type="button"
          className="secondary backend-switch"
          disabled={busy}
          title="You chose WebAssembly earlier; probe WebGPU and WebGL again."
          onClick={() => services.preferBackends('auto')}
        >
          Try the GPU again
        </button>
      ) : null}
    </div>
  );
}
