/**
 * Finished runs and columns in IndexedDB, stored under `${resultsKey}/${runId}` (and
 * `${resultsKey}/${columnId}`), so a reload or a reopened link gets them back without computing.
 * Where IndexedDB is missing or refuses (private windows, locked-down browsers) the app runs on
 * a memory store and says that results will not persist.
 */
import { columnId, runId, type ColumnRecord, type RunRecord } from '../../core/sweep/records';

export interface StoredResults {
  runs: RunRecord[];
  columns: ColumnRecord[];
}

export interface RunStore {
  readonly persistent: boolean;
  load(key: string): Promise<StoredResults>;
  putRun(key: string, run: RunRecord): Promise<void>;
  putColumn(key: string, column: ColumnRecord): Promise<void>;
  /** Forget every run and column stored under `key`. */
  clear(key: string): Promise<void>;
}

const DB_NAME = 'phase-explorer-results';
const RUNS = 'runs';
const COLUMNS = 'columns';

function range(key: string): IDBKeyRange {
  return IDBKeyRange.bound(`${key}/`, `${key}/\uffff`);
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted'));
  });
}

function openDb(timeoutMs: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('IndexedDB did not open in time')), timeoutMs);
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(RUNS);
      req.result.createObjectStore(COLUMNS);
    };
    req.onsuccess = () => {
      clearTimeout(timer);
      resolve(req.result);
    };
    req.onerror = () => {
      clearTimeout(timer);
      reject(req.error ?? new Error('IndexedDB unavailable'));
    };
    req.onblocked = () => {
      clearTimeout(timer);
      reject(new Error('IndexedDB blocked by another tab'));
    };
  });
}

/** The IndexedDB store, or null when IndexedDB cannot be used here. */
export async function openRunStore(timeoutMs = 4000): Promise<RunStore | null> {
  if (typeof indexedDB === 'undefined') return null;
  let db: IDBDatabase;
  try {
    db = await openDb(timeoutMs);
    // Some browsers open the database but refuse writes (quota 0): probe once.
    const tx = db.transaction(COLUMNS, 'readwrite');
    tx.objectStore(COLUMNS).put(0, '~probe');
    tx.objectStore(COLUMNS).delete('~probe');
    await done(tx);
  } catch {
    return null;
  }
  const put = async (store: string, id: string, value: unknown): Promise<void> => {
    const tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value, id);
    await done(tx);
  };
  return {
    persistent: true,
    async load(key) {
      const tx = db.transaction([RUNS, COLUMNS], 'readonly');
      const [runs, columns] = await Promise.all([
        request(tx.objectStore(RUNS).getAll(range(key))),
        request(tx.objectStore(COLUMNS).getAll(range(key))),
      ]);
      return { runs: runs as RunRecord[], columns: columns as ColumnRecord[] };
    },
    putRun: (key, run) => put(RUNS, `${key}/${runId(run)}`, run),
    putColumn: (key, column) => put(COLUMNS, `${key}/${columnId(column)}`, column),
    async clear(key) {
      const tx = db.transaction([RUNS, COLUMNS], 'readwrite');
      tx.objectStore(RUNS).delete(range(key));
      tx.objectStore(COLUMNS).delete(range(key));
      await done(tx);
    },
  };
}

/** Results kept for this page only. */
export function memoryRunStore(): RunStore {
  const runs = new Map<string, RunRecord>();
  const columns = new Map<string, ColumnRecord>();
  const under = <T>(m: Map<string, T>, key: string): T[] =>
    [...m.entries()].filter(([k]) => k.startsWith(`${key}/`)).map(([, v]) => v);
  return {
    persistent: false,
    load: async (key) => ({ runs: under(runs, key), columns: under(columns, key) }),
    putRun: async (key, run) => void runs.set(`${key}/${runId(run)}`, run),
    putColumn: async (key, column) => void columns.set(`${key}/${columnId(column)}`, column),
    async clear(key) {
      for (const k of [...runs.keys()]) if (k.startsWith(`${key}/`)) runs.delete(k);
      for (const k of [...columns.keys()]) if (k.startsWith(`${key}/`)) columns.delete(k);
    },
  };
}
