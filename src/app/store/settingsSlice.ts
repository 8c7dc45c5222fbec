import type { StateCreator } from 'zustand';
import { cloneDefaults, reconcile } from '../../core/settings/codec';
import type { Settings } from '../../core/settings/schema';
import type { AppState, SettingsSlice } from './types';

/** Keep dataset and model consistent: the uv model is its own dataset. */
export function withCoupling<K extends keyof Settings>(
  s: Settings,
  key: K,
  value: Settings[K],
): Settings {
  const next: Settings = { ...s, [key]: value };
  if (key === 'dataset') {
    if (value === 'uv') next.model = 'uv';
    else if (next.model === 'uv') next.model = 'fcn';
  }
  if (key === 'model') {
    if (value === 'uv') next.dataset = 'uv';
    else if (next.dataset === 'uv') next.dataset = 'mnist';
  }
  return next;
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: cloneDefaults(),
  urlIssues: [],
  mnistSource: 'builtin',
  setSetting: (key, value) =>
    set((st) => ({ settings: reconcile(withCoupling(st.settings, key, value)).settings })),
  replaceSettings: (settings) => set({ settings: reconcile(settings).settings }),
  setUrlIssues: (urlIssues) => set({ urlIssues }),
  setMnistSource: (mnistSource) => set({ mnistSource }),
});
