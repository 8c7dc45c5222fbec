import type { StateCreator } from 'zustand';
import { ALL_KEYS, editSetting, runChecks } from '../../core/settings/checks';
import { cloneDefaults } from '../../core/settings/codec';
import type { AppState, SettingsSlice } from './types';

/*
 * The store holds only settings that keep every rule of core/settings/checks.ts: an edit moves
 * its followers along (dataset uv with model uv) and any other broken rule is fixed here too.
 * The form refuses such edits before they get here (editSetting's `refused`); presets and links
 * arrive already checked.
 */
export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: cloneDefaults(),
  urlIssues: [],
  mnistSource: 'builtin',
  setSetting: (key, value) =>
    set((st) => ({ settings: editSetting(st.settings, key, value).settings })),
  replaceSettings: (settings) => set({ settings: runChecks(settings, ALL_KEYS).settings }),
  setUrlIssues: (urlIssues) => set({ urlIssues }),
  setMnistSource: (mnistSource) => set({ mnistSource }),
});
