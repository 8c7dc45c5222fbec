import { useServices } from '../services';
import { useApp } from '../store/store';

/**
 * Shown while results not computed here are on screen: an imported file, a shared link's
 * results, or the precomputed quick demo of a first visit.
 */
export function ImportBanner() {
  const { reloadResults } = useServices();
  const imported = useApp((s) => s.imported);
  const runs = useApp((s) => Object.keys(s.runs).length);
  const columns = useApp((s) => Object.keys(s.columns).length);
  if (!imported) return null;
  const source = imported.source ?? 'file';
  return (
    <section
      className="notice notice-info"
      aria-label="Imported results"
      data-testid="import-banner"
      data-source={source}
    >
      <div>
        {source === 'precomputed' ? (
          <p>
            <strong>Precomputed</strong>: {imported.name}, {runs} runs computed with the
            command-line tool and shipped with the app. Press <strong>Run</strong> to compute it
            live here.
          </p>
        ) : source === 'link' ? (
          <p>
            Viewing results from <strong>a shared link</strong>: {runs} runs, {columns} columns
            (computed elsewhere, not here). Press <strong>Run</strong> to compute them here.
          </p>
        ) : (
          <p>
            Viewing <strong>{imported.name}</strong>: {runs} runs, {columns} columns (imported, not
            computed here).
          </p>
        )}
        {imported.gaps ? (
          <p data-testid="import-gaps">
            Not complete: {imported.gaps}. Rerun the shards that hold them, then merge again.
          </p>
        ) : null}
        {source === 'file' && imported.hasSettings === false ? (
          <p className="hint" data-testid="import-no-settings">
            This file carries no settings (the command-line tool&apos;s JSON Lines): the settings
            panel still shows this page&apos;s own, not the ones the file was made with.
          </p>
        ) : null}
        {imported.rejected ? <p className="field-error">{imported.rejected}</p> : null}
      </div>
      <button type="button" className="secondary" onClick={() => void reloadResults()}>
        {source === 'file' ? 'Close import' : 'Hide'}
      </button>
    </section>
  );
}
