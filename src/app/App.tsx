import { useEffect, useRef, useState } from 'react';
import { BackendBadge } from './components/BackendBadge';
import { ColumnTable } from './components/ColumnTable';
import { DiagramPanel } from './components/DiagramPanel';
import { ExportMenu } from './components/ExportMenu';
import { HowToRead } from './components/HowToRead';
import { ImportBanner } from './components/ImportBanner';
import { ImportButton } from './components/ImportButton';
import { InterpolationPanel } from './components/InterpolationPanel';
import { PresetBar } from './components/PresetBar';
import { SaturationPanel } from './components/SaturationPanel';
import { SettingsPanel } from './components/SettingsPanel';
import { ShareButton } from './components/ShareButton';
import { SweepBar } from './components/SweepBar';
import { Toast } from './components/Toast';
import { TrajectoryPanel } from './components/TrajectoryPanel';
import { UrlNotice } from './components/UrlNotice';
import { useApp } from './store/store';
import { usePanelOpen } from './hooks/usePanelOpen';

const WIDE = '(min-width: 900px)';

function useMedia(query: string): boolean {
  const [match, setMatch] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const mq = window.matchMedia(query);
    const on = (): void => setMatch(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [query]);
  return match;
}

export function App() {
  const status = useApp((s) => s.status);
  const computed = useApp((s) => s.computedRuns);
  const restored = useApp((s) => s.restoredRuns);
  const backend = useApp((s) => s.backend?.name ?? '');
  const lecture = useApp((s) => s.lecture);
  const setLecture = useApp((s) => s.setLecture);
  const wide = useMedia(WIDE);
  // Open on a wide screen, collapsed on a phone, unless the link says otherwise; crossing the
  // width (a rotated tablet) applies the width's default again.
  const [controlsOpen, setControlsOpen] = usePanelOpen('settings', wide);
  const firstWide = useRef(true);
  useEffect(() => {
    if (firstWide.current) firstWide.current = false;
    else setControlsOpen(wide);
  }, [wide, setControlsOpen]);

  return (
    <div
      className="app"
      data-status={status}
      data-computed-runs={computed}
      data-restored-runs={restored}
      data-backend={backend}
      data-lecture={lecture ? 'true' : undefined}
    >
      <header className="app-header">
        <div className="brand">
          <h1>Phase Explorer</h1>
          <p className="tagline">
            Early training dynamics: c = η·λ₀ against depth/width (Kalra &amp; Barkeshli, NeurIPS
            2023)
          </p>
        </div>
        {lecture ? (
          // The one way back: lecture links hide every other control (the diagram keeps its
          // keyboard and pointer selection).
          <button
            type="button"
            className="secondary lecture-exit"
            onClick={() => setLecture(false)}
            data-testid="lecture-exit"
          >
            Exit lecture mode
          </button>
        ) : (
          <>
            <BackendBadge />
            <div className="header-actions">
              <ShareButton />
              <ExportMenu />
              <ImportButton />
            </div>
            <PresetBar />
          </>
        )}
      </header>
      <UrlNotice />
      <ImportBanner />
      {lecture ? null : <HowToRead />}
      <div
        className="app-body"
        data-controls={lecture ? 'hidden' : controlsOpen ? 'open' : 'closed'}
      >
        {lecture ? null : (
          <aside className="app-controls" aria-label="Settings">
            <details open={controlsOpen} onToggle={(e) => setControlsOpen(e.currentTarget.open)}>
              <summary>Settings</summary>
              <SettingsPanel />
            </details>
          </aside>
        )}
        <main className="app-main" id="main">
          {lecture ? null : <SweepBar />}
          <div className="panels">
            <DiagramPanel />
            <TrajectoryPanel />
          </div>
          <div className="panels panels-measures">
            <InterpolationPanel />
            <SaturationPanel />
          </div>
          <ColumnTable />
        </main>
      </div>
      <footer className="app-footer">
        <p>
          Sharpness λ is the top Hessian eigenvalue (Lanczos on exact Hessian-vector products); η =
          c/λ₀; the regimes follow the paper’s definitions. Results stay in this browser; settings
          travel in the link.
        </p>
      </footer>
      <Toast />
    </div>
  );
}
