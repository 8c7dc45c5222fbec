// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../store/store';
import { startUrlSync } from './urlSync';

describe('URL sync', () => {
  it('reads the link, writes changes with replaceState, and follows hashchange', () => {
    window.history.replaceState(null, '', '/?backends=wasm#v=1&w=32,64&t=12');
    const store = createAppStore();
    const replace = vi.spyOn(window.history, 'replaceState');
    const stop = startUrlSync(store);
    expect(store.getState().settings.widths).toEqual([32, 64]);
    expect(store.getState().settings.steps).toBe(12);
    expect(store.getState().urlIssues).toEqual([]);

    store.getState().setSetting('steps', 20);
    expect(window.location.hash).toContain('t=20');
    expect(window.location.search).toBe('?backends=wasm'); // test hooks survive
    const pushes = window.history.length;
    expect(replace).toHaveBeenCalled();

    const onExternal = vi.fn();
    stop();
    const stop2 = startUrlSync(store, { onExternalChange: onExternal });
    window.location.hash = '#v=1&w=oops&d=4';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    expect(onExternal).toHaveBeenCalled();
    expect(store.getState().settings.depths).toEqual([4]);
    expect(store.getState().urlIssues.map((i) => i.key)).toEqual(['widths']);
    // The bad field is rewritten to the default in the address bar.
    expect(window.location.hash).not.toContain('oops');
    expect(window.history.length).toBe(pushes + 1); // only the user's own hash change added an entry
    stop2();
  });
});
