import type { StateCreator } from 'zustand';
import type { AppState, UiSlice } from './types';

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  backend: null,
  workerState: 'booting',
  logY: false,
  rawSharpness: false,
  lecture: false,
  fieldErrors: {},
  datasets: {},
  datasetLoading: null,
  datasetError: null,
  persistence: 'pending',
  toast: null,
  panels: {},
  setBackend: (backend, workerState) => set({ backend, workerState }),
  setLogY: (logY) => set({ logY }),
  setRawSharpness: (rawSharpness) => set({ rawSharpness }),
  setLecture: (lecture) => set({ lecture }),
  setFieldError: (key, message) =>
    set((st) => {
      if ((st.fieldErrors[key] ?? null) === message) return {};
      const next = { ...st.fieldErrors };
      if (message === null) delete next[key];
      else next[key] = message;
      return { fieldErrors: next };
    }),
  setDataset: (name, info) =>
    set((st) => ({
      datasets: { ...st.datasets, [name]: info },
      datasetLoading: st.datasetLoading === name ? null : st.datasetLoading,
      datasetError: null,
    })),
  setDatasetLoading: (datasetLoading, datasetError) => set({ datasetLoading, datasetError }),
  setPersistence: (persistence) => set({ persistence }),
  setToast: (toast) => set({ toast }),
  setPanelOpen: (id, open) =>
    set((st) => (st.panels[id] === open ? {} : { panels: { ...st.panels, [id]: open } })),
  mergePanels: (panels) =>
    set((st) =>
      Object.entries(panels).every(([id, open]) => st.panels[id] === open)
        ? {}
        : { panels: { ...st.panels, ...panels } },
    ),
});
