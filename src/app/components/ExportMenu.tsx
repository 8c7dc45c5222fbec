import { serializeSvg, settingsCaption, svgToPngBlob } from '../charts/exportSvg';
import {
  boundaryFitsToCsv,
  columnsToCsv,
  resultsToJson,
  resultsToJsonl,
  runsToCsv,
  seedSummaryToCsv,
} from '../io/exportData';
import { downloadBlob, downloadText } from '../io/download';
import { useServices } from '../services';
import { useApp } from '../store/store';
import { DIAGRAM_SVG_ID } from './DiagramPanel';
import { Menu } from './Menu';
import { TRAJECTORY_SVG_ID } from './TrajectoryPanel';

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
}

/** Data (CSV, JSON, JSON Lines) and figures (SVG, PNG) of what is on screen. */
export function ExportMenu() {
  const { store } = useServices();
  const hasRuns = useApp((s) => Object.keys(s.runs).length > 0);
  const hasColumns = useApp((s) => Object.keys(s.columns).length > 0);

  const data = () => {
    const st = store.getState();
    return {
      settings: st.settings,
      runs: Object.values(st.runs),
      columns: Object.values(st.columns),
    };
  };
  const svg = (id: string): SVGSVGElement | null =>
    document.getElementById(id) as SVGSVGElement | null;
  const figure = (id: string, name: string, kind: 'svg' | 'png') => async (): Promise<void> => {
    const el = svg(id);
    if (!el) return;
    // The diagram carries the settings that made it, so a figure stands on its own.
    const st = store.getState();
    const caption =
      id === DIAGRAM_SVG_ID
        ? settingsCaption(st.settings, st.backend?.name ?? null, new Date())
        : undefined;
    try {
      if (kind === 'svg')
        downloadText(serializeSvg(el, { caption }), `${name}-${stamp()}.svg`, 'image/svg+xml');
      else downloadBlob(await svgToPngBlob(el, 2, { caption }), `${name}-${stamp()}.png`);
      store.getState().setToast(`Saved ${name}.${kind}`);
    } catch (err) {
      store
        .getState()
        .setToast(`Export failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  /** A CSV built from the finished columns. */
  const columnsCsv = (
    label: string,
    name: string,
    csv: (columns: ReturnType<typeof data>['columns']) => string,
  ) => ({
    label,
    disabled: !hasColumns,
    onSelect: () => downloadText(csv(data().columns), `${name}-${stamp()}.csv`, 'text/csv'),
  });

  return (
    <Menu
      label="Export"
      items={[
        {
          label: 'Runs (CSV)',
          disabled: !hasRuns,
          onSelect: () => downloadText(runsToCsv(data().runs), `runs-${stamp()}.csv`, 'text/csv'),
        },
        columnsCsv('Columns (CSV)', 'columns', columnsToCsv),
        columnsCsv('Critical values over seeds (CSV)', 'critical-values', seedSummaryToCsv),
        columnsCsv('Boundary fits (CSV)', 'boundary-fits', boundaryFitsToCsv),
        {
          label: 'Runs and columns (JSON)',
          disabled: !hasRuns,
          onSelect: () => {
            const d = data();
            downloadText(
              resultsToJson(d.settings, d.runs, d.columns),
              `results-${stamp()}.json`,
              'application/json',
            );
          },
        },
        {
          label: 'Runs and columns (JSON Lines, as the CLI)',
          disabled: !hasRuns,
          onSelect: () => {
            const d = data();
            downloadText(
              resultsToJsonl(d.runs, d.columns),
              `results-${stamp()}.jsonl`,
              'application/x-ndjson',
            );
          },
        },
        {
          label: 'Diagram (SVG)',
          onSelect: () => void figure(DIAGRAM_SVG_ID, 'phase-diagram', 'svg')(),
        },
        {
          label: 'Diagram (PNG)',
          onSelect: () => void figure(DIAGRAM_SVG_ID, 'phase-diagram', 'png')(),
        },
        {
          label: 'Trajectories (SVG)',
          onSelect: () => void figure(TRAJECTORY_SVG_ID, 'trajectories', 'svg')(),
        },
        {
          label: 'Trajectories (PNG)',
          onSelect: () => void figure(TRAJECTORY_SVG_ID, 'trajectories', 'png')(),
        },
      ]}
    />
  );
}
