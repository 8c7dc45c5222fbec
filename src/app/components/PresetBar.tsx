import { encodeSettings } from '../../core/settings/url';
import { PRESETS, type Preset } from '../presets';
import { useServices } from '../services';
import { useApp } from '../store/store';
import { openFilePicker } from './DatasetPanel';

/** One click per figure of the paper. */
export function PresetBar() {
  const { store } = useServices();
  const current = useApp((s) => encodeSettings(s.settings));
  const locked = useApp(
    (s) =>
      (s.imported !== null && (s.imported.source ?? 'file') === 'file') ||
      s.status === 'starting' ||
      s.status === 'running' ||
      s.status === 'paused' ||
      s.status === 'stopping',
  );

  const apply = (p: Preset): void => {
    const st = store.getState();
    st.replaceSettings(p.settings);
    st.setError(null);
    if (p.view?.rawSharpness !== undefined) st.setRawSharpness(p.view.rawSharpness);
    if (p.view?.logY !== undefined) st.setLogY(p.view.logY);
    // Still inside the click, so the browser lets us open the file picker.
    if (p.needsFile && !st.datasets[p.needsFile]) openFilePicker();
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
