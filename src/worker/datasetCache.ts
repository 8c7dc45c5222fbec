/**
 * Parsed user datasets in IndexedDB (from inside the worker, so hundreds of megabytes never cross
 * to the main thread). One record per dataset; a newer load replaces the older one.
 */
import type { ImageDataset } from '../core/data/types';
import type { DatasetCache } from './handler';
import type { FileDataset } from './protocol';

const DB_NAME = 'phase-explorer-datasets';
const STORE = 'datasets';

interface Entry {
  dataset: FileDataset;
  files: string[];
  data: ImageDataset;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(STORE, { keyPath: 'dataset' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
    req.onblocked = () => reject(new Error('IndexedDB blocked'));
  });
}

/** An IndexedDB-backed cache, or undefined where IndexedDB does not exist. */
export function createDatasetCache(): DatasetCache | undefined {
  if (typeof indexedDB === 'undefined') return undefined;
  let db: Promise<IDBDatabase> | null = null;
  const getDb = (): Promise<IDBDatabase> => (db ??= open());
  return {
    async load() {
      const d = await getDb();
      const all = await request(d.transaction(STORE, 'readonly').objectStore(STORE).getAll());
      return (all as Entry[]).filter(
        (e) =>
          e && e.data && e.data.images instanceof Uint8Array && e.data.labels instanceof Uint8Array,
      );
    },
    async save(dataset, files, data) {
      const d = await getDb();
      const tx = d.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put({ dataset, files, data } satisfies Entry);
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted'));
      });
    },
  };
}
