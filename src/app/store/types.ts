import type { SettingIssue } from '../../core/settings/codec';
import type { SettingKey, Settings } from '../../core/settings/schema';
import type { ColumnRecord, RunRecord } from '../../core/sweep/records';
import type { StepUpdate } from '../../core/sweep/runSweep';
import type {
  BackendName,
  BackendRefusal,
  FileDataset,
  MnistSource,
  WorkerEvent,
} from '../../worker/protocol';

export interface SettingsSlice {
  settings: Settings;
  /** Problems found in the link, shown until dismissed. */
  urlIssues: SettingIssue[];
  mnistSource: MnistSource;
  setSetting<K extends SettingKey>(key: K, value: Settings[K]): void;
  replaceSettings(settings: Settings): void;
  setUrlIssues(issues: SettingIssue[]): void;
  setMnistSource(source: MnistSource): void;
}

export type SweepStatus =
  'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'done' | 'stopped' | 'error';

/** A cell being computed right now. */
export interface LiveRun extends StepUpdate {
  id: string;
}

export interface ImportedView {
  name: string;
  /** Rejected-lines summary, if any. */
  rejected: string | null;
  /** The columns the imported sweep still lacks (a merge of unfinished shards), if any. */
  gaps?: string | null;
  /**
   * Where the results came from: a file (the default), a shared link or the precomputed file
   * shipped with the app. Results from a link or shipped ones give way to Run and to presets.
   */
  source?: 'file' | 'link' | 'precomputed';
  /** False for a file without settings (the CLI's JSON Lines): the settings shown are not its. */
  hasSettings?: boolean;
}

export interface SweepSlice {
  status: SweepStatus;
  sweepId: string | null;
  /** Key of the results held (a hash of the run-affecting settings). */
  resultsKey: string | null;
  runs: Record<string, RunRecord>;
  columns: Record<string, ColumnRecord>;
  /** λ_0 and L_0 of columns that started (for the live run's raw λ and 2/η). */
  columnStarts: Record<string, { lambda0: number; loss0: number }>;
  live: Record<string, LiveRun>;
  /** The run finished last (shown in the trajectory plot when nothing is selected). */
  lastRunId: string | null;
  /** Runs computed by the worker since the page loaded (never restored ones). */
  computedRuns: number;
  /** Runs that came back from storage when the results were loaded. */
  restoredRuns: number;
  /** Runs computed by the current sweep, and how long it was active (for the rate). */
  sweepComputed: number;
  activeMs: number;
  activeSince: number | null;
  statusMessage: string | null;
  error: string | null;
  imported: ImportedView | null;
  /** Worker restarts on another backend during this page's life, with the reason. */
  restarts: string[];

  beginSweep(sweepId: string, nowMs: number): void;
  setSweepStatus(status: SweepStatus, nowMs: number): void;
  applyWorkerEvents(events: WorkerEvent[], nowMs: number): void;
  setResults(key: string, runs: RunRecord[], columns: ColumnRecord[]): void;
  setImported(view: ImportedView, runs: RunRecord[], columns: ColumnRecord[]): void;
  setError(message: string | null): void;
  noteRestart(reason: string): void;
}

export interface BackendInfo {
  name: BackendName;
  adapter: string | null;
  refused: BackendRefusal[];
}

export interface DatasetInfo {
  count: number;
  files: string[];
  cached: boolean;
}

export interface UiSlice {
  backend: BackendInfo | null;
  /** 'booting' until the worker is ready; 'failed' when no backend works. */
  workerState: 'booting' | 'ready' | 'failed';
  logY: boolean;
  rawSharpness: boolean;
  /** Lecture mode (`lecture=1` in the link): no controls, larger type, the diagram first. */
  lecture: boolean;
  /** Fields whose text does not parse (shown in red): Run waits until they are fixed. */
  fieldErrors: Readonly<Record<string, string>>;
  datasets: Partial<Record<FileDataset, DatasetInfo>>;
  datasetLoading: FileDataset | null;
  datasetError: string | null;
  /** Whether finished runs survive a reload. */
  /** 'full': the browser refused a write for lack of space (QuotaExceededError). */
  persistence: 'pending' | 'ok' | 'unavailable' | 'failed' | 'full';
  /** A short message for the user (copied, exported, ...). */
  toast: string | null;
  /**
   * Which collapsible panels are open (true) or collapsed (false), by id ('settings', 'help',
   * 'advanced', …): each panel registers its state through `usePanelOpen`, and links carry it.
   */
  panels: Readonly<Record<string, boolean>>;
  setBackend(info: BackendInfo | null, state: UiSlice['workerState']): void;
  setLogY(v: boolean): void;
  setRawSharpness(v: boolean): void;
  setLecture(v: boolean): void;
  setFieldError(key: string, message: string | null): void;
  setDataset(name: FileDataset, info: DatasetInfo): void;
  setDatasetLoading(name: FileDataset | null, error: string | null): void;
  setPersistence(p: UiSlice['persistence']): void;
  setToast(message: string | null): void;
  setPanelOpen(id: string, open: boolean): void;
  /** Several panels at once (a link's), the others as they are. */
  mergePanels(panels: Readonly<Record<string, boolean>>): void;
}

export type SelectMode = 'replace' | 'toggle' | 'range';

export interface SelectionSlice {
  selected: ReadonlySet<string>;
  focusedId: string | null;
  /** Where a range selection starts. */
  anchorId: string | null;
  hovered: RunRecord | null;
  select(id: string, mode: SelectMode): void;
  setSelection(ids: string[]): void;
  clearSelection(): void;
  setHovered(run: RunRecord | null): void;
}

export type AppState = SettingsSlice & SweepSlice & UiSlice & SelectionSlice;
