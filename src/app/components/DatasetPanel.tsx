import { useEffect, useState } from 'react';
import type { FileDataset } from '../../worker/protocol';
import { useServices } from '../services';
import { useApp } from '../store/store';

export const FILE_INPUT_ID = 'dataset-file-input';

const NAMES: Record<FileDataset, string> = {
  cifar10: 'CIFAR-10',
  'fashion-mnist': 'Fashion-MNIST',
  mnist: 'MNIST',
};

const EXPECTED: Record<FileDataset, string> = {
  cifar10: 'cifar-10-binary.tar.gz, or its data_batch_*.bin files',
  'fashion-mnist': 'train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz',
  mnist: 'train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz',
};

function fileDataset(ds: string): FileDataset | null {
  return ds === 'cifar10' || ds === 'fashion-mnist' || ds === 'mnist' ? ds : null;
}

/** Open the file picker for the current dataset (presets call this from their click). */
export function openFilePicker(): void {
  document.getElementById(FILE_INPUT_ID)?.click();
}

/**
 * Files for CIFAR-10 and (Fashion-)MNIST: drop them here or pick them. They are parsed in the
 * worker and cached in IndexedDB, so a reload does not ask again.
 */
export function DatasetPanel() {
  const { controller, store } = useServices();
  const dataset = useApp((s) => s.settings.dataset);
  const datasets = useApp((s) => s.datasets);
  const loading = useApp((s) => s.datasetLoading);
  const error = useApp((s) => s.datasetError);
  const mnistSource = useApp((s) => s.mnistSource);
  const running = useApp(
    (s) => s.status === 'running' || s.status === 'paused' || s.status === 'starting',
  );
  const [over, setOver] = useState(false);
  const target = fileDataset(dataset);

  const send = (files: FileList | null): void => {
    const ds = fileDataset(store.getState().settings.dataset);
    if (!files || files.length === 0) return;
    if (!ds) {
      store
        .getState()
        .setToast('Choose CIFAR-10, Fashion-MNIST or MNIST as the dataset to load files.');
      return;
    }
    void controller.loadFiles(ds, Array.from(files));
  };

  // Files dropped anywhere on the page are loaded (and never open in place of the app).
  useEffect(() => {
    const over = (e: DragEvent): void => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    const drop = (e: DragEvent): void => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setOver(false);
      send(e.dataTransfer.files);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
    // `send` only reads the store and the controller, both stable.
  }, []);

  const input = (
    <input
      id={FILE_INPUT_ID}
      type="file"
      multiple
      className="visually-hidden"
      tabIndex={-1}
      aria-hidden="true"
      accept=".gz,.tgz,.bin,.tar,.idx3-ubyte,.idx1-ubyte,application/gzip,application/octet-stream"
      onChange={(e) => {
        send(e.target.files);
        e.target.value = '';
      }}
    />
  );
  if (!target) return input;

  const info = datasets[target];
  const name = NAMES[target];
  return (
    <div className="dataset-panel">
      {input}
      <div
        className={`drop-zone${over ? ' drop-over' : ''}${info ? ' drop-loaded' : ''}`}
        data-testid="drop-zone"
        onDragOver={() => setOver(true)}
        onDragLeave={() => setOver(false)}
      >
        {loading === target ? (
          <p role="status">Reading {name} files…</p>
        ) : info ? (
          <p role="status">
            {name}: {info.count.toLocaleString('en')} images from {info.files.join(', ')}
            {info.cached ? ' (kept from an earlier visit)' : ''}.
          </p>
        ) : target === 'mnist' ? (
          <p>
            Built in: 10,000 MNIST digits. Optionally drop the official training files (
            {EXPECTED.mnist}).
          </p>
        ) : (
          <p>
            <strong>{name} files needed.</strong> Drop {EXPECTED[target]} here, or choose them.
          </p>
        )}
        <button type="button" className="secondary" disabled={running} onClick={openFilePicker}>
          Choose {name} files…
        </button>
      </div>
      {target === 'mnist' && info ? (
        <div className="mnist-source" role="radiogroup" aria-label="MNIST source">
          <label>
            <input
              type="radio"
              name="mnist-source"
              checked={mnistSource === 'builtin'}
              disabled={running}
              onChange={() => store.getState().setMnistSource('builtin')}
            />
            built-in 10,000 digits
          </label>
          <label>
            <input
              type="radio"
              name="mnist-source"
              checked={mnistSource === 'files'}
              disabled={running}
              onChange={() => store.getState().setMnistSource('files')}
            />
            your files ({info.count.toLocaleString('en')})
          </label>
        </div>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
