import { encodeSettings } from '../../core/settings/url';
import { PRESETS, type Preset } from '../presets';
import { useServices } from '../services';
import { useApp } from '../store/store';
import { sweepInProgress } from '../store/sweepSlice';
import { openFilePicker } from './DatasetPanel';

/** One click per figure of the paper. */
export function PresetBar() {
  const { store } = useServices();
  const current = useApp((s) => encodeSettings(s.settings));
  const locked = useApp(
    (s) =>
      (s.imported !== null && (s.imported.source ?? 'file') === 'file') ||
      sweepInProgress(s.status),
  );

  const apply = (p: Preset): void => {
    const st = store.getState();
    st.replaceSettings(p.settings);
    st.setError(null);
    // A preset is a figure: its own view, or the plain one (not the last preset's raw λ).
    st.setRawSharpness(p.view?.rawSharpness ?? false);
    st.setLogY(p.view?.logY ?? false);
    // Still inside the click, so the browser lets us open the file picker. A preset with a
    // shipped result opens that instead: the file is asked for only when Run computes it.
    if (p.needsFile && !p.shipped && !st.datasets[p.needsFile]) openFilePicker();
  };

  return (
    <nav className="presets" aria-label="Presets">
      {PRESETS.map((p) => (
        <button
          key={p.id}
          type="button"
          className="preset"
          aria-pressed={encodeSettings(p.settings) === current}
          disabled={locked}
          title={p.description}
          onClick={() => apply(p)}
        >
          {p.label}
        </button>
      ))}
    </nav>
  );
}
