// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../store/store';
import { runId } from '../../core/sweep/records';
import { fakeSweep, log2Grid } from '../charts/fixtures';
import { encodeResults } from './resultsPayload';
import { hashFor, startUrlSync } from './urlSync';
import { formatLinkView, splitLinkView } from './linkView';

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

describe('the view and the results in the link', () => {
  const sweep = fakeSweep([2], [16, 64], [0], log2Grid(0.5, 3, 0.5));

  it('opens a link with results, selection and log y as a fresh browser would', () => {
    const maker = createAppStore();
    maker.getState().setResults('k', sweep.runs, sweep.columns);
    const chosen = sweep.runs.slice(1, 3).map(runId);
    maker.getState().setSelection(chosen);
    maker.getState().setLogY(true);
    const enc = encodeResults(sweep.runs, sweep.columns);
    if (!enc.ok) throw new Error('too large');
    const link = hashFor(maker.getState(), { results: enc.text });
    expect(link).toContain('ly=1');
    expect(link).toContain(`sel=${chosen.join(',')}`);

    window.history.replaceState(null, '', `/${link}`);
    const store = createAppStore();
    const stop = startUrlSync(store);
    const st = store.getState();
    expect(st.urlIssues).toEqual([]);
    expect(st.imported?.source).toBe('link');
    expect(Object.keys(st.runs).sort()).toEqual(sweep.runs.map(runId).sort());
    expect([...st.selected]).toEqual(chosen);
    expect(st.logY).toBe(true);
    expect(st.rawSharpness).toBe(false);
    // The results stay in the address bar while they are on screen.
    expect(window.location.hash).toContain(`res=${enc.text}`);
    stop();
  });

  it('applies a selection once stored results arrive, and keeps it in the hash meanwhile', () => {
    const id = runId(sweep.runs[0]!);
    window.history.replaceState(null, '', `/#v=1&raw=1&sel=${id},d2-w99-s0-c1.00000000000`);
    const store = createAppStore();
    const stop = startUrlSync(store);
    expect(store.getState().rawSharpness).toBe(true);
    expect(window.location.hash).toContain(`sel=${id}`);
    store.getState().setResults('k', sweep.runs, sweep.columns);
    expect([...store.getState().selected]).toEqual([id]);
    store.getState().clearSelection();
    expect(window.location.hash).not.toContain('sel=');
    stop();
  });

  it('names bad view fields and refuses bad results, keeping the settings', () => {
    window.history.replaceState(null, '', '/#v=1&w=32&ly=yes&sel=<script>&res=AAAA');
    const store = createAppStore();
    const stop = startUrlSync(store);
    const st = store.getState();
    expect(st.settings.widths).toEqual([32]);
    expect(st.imported).toBeNull();
    const messages = st.urlIssues.map((i) => i.message).join(' | ');
    expect(messages).toMatch(/"ly" must be 0 or 1/);
    expect(messages).toMatch(/selection: 1 cell name not understood/);
    expect(messages).toMatch(/shared results not shown/);
    // None of the view keys reaches the settings decoder as an unknown field.
    expect(messages).not.toMatch(/unknown link field/);
    expect(window.location.hash).not.toContain('res=');
    stop();
  });
});

describe('open panels in the link', () => {
  it('round-trips which panels are open and collapsed, sorted, "-" for collapsed', () => {
    const { view, issues } = splitLinkView('#v=1&w=32&open=settings,-help,advanced&ly=1');
    expect(issues).toEqual([]);
    expect(view.panels).toEqual({ settings: true, help: false, advanced: true });
    expect(formatLinkView(view)).toBe('ly=1&open=advanced,-help,settings');
    expect(splitLinkView(`#${formatLinkView(view)}`).view.panels).toEqual(view.panels);
  });

  it('opens the panels a link names, leaves the others, and writes a change back', () => {
    window.history.replaceState(null, '', '/#v=1&open=-settings,help');
    const store = createAppStore();
    store.getState().setPanelOpen('advanced', true);
    const stop = startUrlSync(store);
    expect(store.getState().panels).toEqual({ settings: false, help: true, advanced: true });
    expect(store.getState().urlIssues).toEqual([]);
    store.getState().setPanelOpen('help', false);
    expect(window.location.hash).toContain('open=advanced,-help,-settings');
    // A pasted link that names no panels leaves them as they are.
    window.location.hash = '#v=1&w=32';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    expect(store.getState().panels).toEqual({ settings: false, help: false, advanced: true });
    stop();
  });

  it.each([
    // The address bar percent-encodes the brackets.
    ['open=<script>', /open panels: "%3Cscript%3E" is not a panel name; ignored/],
    ['open=help,-help', /open panels: "help" is named twice; ignored/],
    [`open=${Array.from({ length: 40 }, (_, i) => `p${i}`).join(',')}`, /40 named, at most 32/],
    ['open=settings,Help%20me', /"Help%20me" is not a panel name/],
  ])('ignores a hostile list whole with a named notice: %s', (field, words) => {
    window.history.replaceState(null, '', `/#v=1&w=32&${field}`);
    const store = createAppStore();
    store.getState().setPanelOpen('settings', false);
    const stop = startUrlSync(store);
    const st = store.getState();
    expect(st.panels).toEqual({ settings: false });
    expect(st.settings.widths).toEqual([32]);
    expect(st.urlIssues.map((i) => i.message).join(' | ')).toMatch(words);
    // The address bar shows what applies, not the hostile text.
    expect(window.location.hash).toContain('open=-settings');
    expect(window.location.hash).not.toContain('script');
    stop();
  });
});
