import { useServices } from '../services';
import { useApp } from '../store/store';

/** Shown while imported results are on screen instead of the sweep's own. */
export function ImportBanner() {
  const { reloadResults } = useServices();
  const imported = useApp((s) => s.imported);
  const runs = useApp((s) => Object.keys(s.runs).length);
  const columns = useApp((s) => Object.keys(s.columns).length);
  if (!imported) return null;
  return (
    <section
      className="notice notice-info"
      aria-label="Imported results"
      data-testid="import-banner"
    >
      <div>
        <p>
          Viewing <strong>{imported.name}</strong>: {runs} runs, {columns} columns (imported, not
          computed here).
        </p>
        {imported.gaps ? (
          <p data-testid="import-gaps">
            Not complete: {imported.gaps}. Rerun the shards that hold them, then merge again.
          </p>
        ) : null}
        {imported.rejected ? <p className="field-error">{imported.rejected}</p> : null}
      </div>
      <button type="button" className="secondary" onClick={() => void reloadResults()}>
        Close import
      </button>
    </section>
  );
}
