import { useRef } from 'react';
import { importGaps, readResultsFile, rejectedSummary } from '../io/importResults';
import { useServices } from '../services';
import { useApp } from '../store/store';
import { sweepInProgress } from '../store/sweepSlice';

/** Open a results file (the CLI's JSON Lines or this app's JSON) to view it without computing. */
export function ImportButton() {
  const { store } = useServices();
  const inputRef = useRef<HTMLInputElement>(null);
  const busy = useApp((s) => sweepInProgress(s.status));

  const onFile = async (file: File): Promise<void> => {
    const st = store.getState();
    const read = await readResultsFile(file);
    if (!read.ok) {
      st.setToast(`Not imported: ${read.error}.`);
      st.setError(`Import failed: ${read.error}.`);
      return;
    }
    const result = read.value;
    const summary = rejectedSummary(result);
    if (result.runs.length === 0 && result.columns.length === 0) {
      st.setToast(`${file.name}: no valid records. ${summary ?? ''}`.trim());
      st.setError(
        `Import of ${file.name} failed: no valid run or column records. ${summary ?? ''}`.trim(),
      );
      return;
    }
    if (result.settings) st.replaceSettings(result.settings);
    st.setError(null);
    st.setImported(
      {
        name: file.name,
        rejected: summary,
        gaps: importGaps(result),
        source: 'file',
        hasSettings: result.settings !== null,
      },
      result.runs,
      result.columns,
    );
  };

  return (
    <>
      <button type="button" disabled={busy} onClick={() => inputRef.current?.click()}>
        Import
      </button>
      <input
        ref={inputRef}
        type="file"
        accept=".jsonl,.ndjson,.json,application/json,application/x-ndjson,text/plain"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="import-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void onFile(f);
        }}
      />
    </>
  );
}
