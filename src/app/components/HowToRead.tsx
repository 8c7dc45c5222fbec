import { useEffect, useRef, useState } from 'react';
import { REGIMES } from '../../core/sweep/records';
import { REGIME_COLORS, REGIME_DESCRIPTIONS, REGIME_LABELS } from '../charts/palette';
import { useApp } from '../store/store';
import { usePanelOpen } from '../hooks/usePanelOpen';

const DISMISSED_KEY = 'phase-explorer:how-to-read-dismissed';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * "How to read this": what a cell, c, the colours and the markers mean. Open on a first visit;
 * once dismissed it stays closed (remembered in this browser) and the button opens it again.
 */
export function HowToRead() {
  const steps = useApp((s) => s.settings.steps);
  const [firstVisit] = useState(() => storage()?.getItem(DISMISSED_KEY) !== '1');
  // Open on a first visit; a link names its state ('help' in `open=`).
  const [open, setOpen] = usePanelOpen('help', firstVisit);
  const [more, setMore] = useState(false);
  const openRef = useRef(open);
  openRef.current = open;

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === '?' && !(e.target instanceof HTMLInputElement)) setOpen(!openRef.current);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setOpen]);

  const close = (): void => {
    setOpen(false);
    try {
      storage()?.setItem(DISMISSED_KEY, '1');
    } catch {
      // Not remembered: it opens again on the next visit.
    }
  };

  if (!open)
    return (
      <button
        type="button"
        className="secondary how-to-read-open"
        onClick={() => setOpen(true)}
        aria-keyshortcuts="?"
      >
        How to read this
      </button>
    );
  // One short paragraph first, so that the diagram stays in the first screen (1440×900 and a
  // phone's 390×844 alike); "More" unfolds the rest in place.
  return (
    <section
      className="how-to-read"
      aria-labelledby="how-to-read-title"
      data-testid="how-to-read"
      data-more={more ? 'open' : 'closed'}
    >
      <p className="how-to-read-strip">
        <strong id="how-to-read-title">How to read this:</strong> each cell is one {steps}-step
        training run at learning rate <strong>η = c/λ₀</strong> (λ₀: the sharpness at init); columns
        are architectures (d/w), rows c on a log scale; the colour is the run&apos;s regime.{' '}
        <span className="how-to-read-markers">▲ c_loss ◆ c_sharp ★ c_barrier ■ c_max</span>{' '}
        <button
          type="button"
          className="link-button"
          aria-expanded={more}
          aria-controls="how-to-read-more"
          onClick={() => setMore((m) => !m)}
        >
          {more ? 'Less' : 'More'}
        </button>{' '}
        <button type="button" className="link-button" onClick={close}>
          Got it
        </button>
      </p>
      <div id="how-to-read-more" hidden={!more}>
        <ul>
          <li>
            <strong>A cell is one training run</strong>: a network of depth d and width w trained
            for {steps} steps of SGD at learning rate <strong>η = c/λ₀</strong>, where λ₀ is the
            sharpness at initialisation.
          </li>
          <li>
            <strong>Sharpness λ</strong> is the largest eigenvalue of the loss&apos;s Hessian: how
            curved the loss is along its steepest direction. Plain gradient descent on a quadratic
            is stable only while λ &lt; 2/η, i.e. c &lt; 2.
          </li>
          <li>
            <strong>Across</strong>: the architecture (d/w by default; wider networks on the left).{' '}
            <strong>Up</strong>: c on a log scale, from gentle to violent learning rates.
          </li>
          <li>
            <strong>Markers</strong> per column: c_loss (▲, the smallest c whose loss rises above
            L₀), c_sharp (◆, the smallest c whose sharpness rises above λ₀), c_barrier (green ★, the
            smallest c whose run crosses a loss barrier on the straight line from θ₀ to θ_T; hollow
            when none does and c_max is used) and c_max (■, the largest c that still trains).
            &quot;—&quot; in the table means the event never happened on the grid (before
            divergence).
          </li>
        </ul>
        <ul className="how-to-read-regimes">
          {REGIMES.map((r) => (
            <li key={r} title={REGIME_DESCRIPTIONS[r]}>
              <span
                className="swatch"
                style={{ background: REGIME_COLORS[r] }}
                aria-hidden="true"
              />
              {REGIME_LABELS[r]}
            </li>
          ))}
        </ul>
        <p className="hint">
          Click a cell to see its loss and sharpness curves. Press ? to open or close this.
        </p>
      </div>
    </section>
  );
}
