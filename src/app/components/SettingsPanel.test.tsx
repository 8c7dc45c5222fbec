// @vitest-environment jsdom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { CHECKS, nameByLabel } from '../../core/settings/checks';
import { cloneDefaults } from '../../core/settings/codec';
import { DEFAULTS, GROUPS, SCHEMA, rowApplies } from '../../core/settings/schema';
import { ServicesContext, type Services } from '../services';
import { appStore } from '../store/store';
import { SettingsPanel } from './SettingsPanel';
import { TYPING_COMMIT_MS } from './SettingField';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

describe('SettingsPanel', () => {
  it('has a labelled control with help for every schema row of the model (the axis lives on the diagram)', async () => {
    const el = document.createElement('div');
    document.body.appendChild(el);
    const services = { store: appStore } as unknown as Services;
    const root = createRoot(el);
    await act(async () => {
      root.render(
        <ServicesContext.Provider value={services}>
          <SettingsPanel />
        </ServicesContext.Provider>,
      );
    });
    for (const row of SCHEMA) {
      if (row.key === 'axis' || row.key === 'cGrid') continue;
      // Rows of other models (the ResNet stem) are hidden; the ResNet test below shows them.
      if (!rowApplies(row, appStore.getState().settings.model)) {
        expect(el.querySelector(`#setting-${row.key}`), row.key).toBeNull();
        continue;
      }
      const input = el.querySelector(`#setting-${row.key}`);
      expect(input, row.key).not.toBeNull();
      const label = el.querySelector(`label[for="setting-${row.key}"]`);
      expect(label?.textContent, row.key).toBe(row.label);
      expect(el.querySelector(`[aria-label="Help: ${row.label}"]`), row.key).not.toBeNull();
    }
    expect(el.textContent).toContain('log₂ c from');
    await act(async () => root.unmount());
  });

  it('refuses invalid text with a message naming the problem, and does not change the settings', async () => {
    const el = document.createElement('div');
    document.body.appendChild(el);
    const services = { store: appStore } as unknown as Services;
    const root = createRoot(el);
    await act(async () => {
      root.render(
        <ServicesContext.Provider value={services}>
          <SettingsPanel />
        </ServicesContext.Provider>,
      );
    });
    const before = appStore.getState().settings.widths;
    const input = el.querySelector<HTMLInputElement>('#setting-widths')!;
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    await act(async () => {
      setValue.call(input, '64,0');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => {
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    });
    expect(el.querySelector('[role="alert"]')?.textContent).toBe(
      'Widths w: 0 is outside [1, 8192]',
    );
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(appStore.getState().settings.widths).toEqual(before);
    // The store knows, so Run waits until the field is fixed.
    expect(appStore.getState().fieldErrors['widths']).toBe('Widths w: 0 is outside [1, 8192]');

    // A batch larger than the training set is refused too, naming both.
    const batch = el.querySelector<HTMLInputElement>('#setting-batch')!;
    await act(async () => {
      setValue.call(batch, '99999');
      batch.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(el.textContent).toContain('Batch B: 99999 is outside');
    await act(async () => {
      setValue.call(batch, String(DEFAULTS.trainSize + 1));
      batch.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => {
      batch.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    });
    // In the words of the rule (core/settings/checks.ts), the same the link notice and the CLI use.
    expect(el.textContent).toContain(
      `batch B = ${DEFAULTS.trainSize + 1} exceeds training examples N = ${DEFAULTS.trainSize}`,
    );
    expect(appStore.getState().settings.batch).toBe(DEFAULTS.batch);
    await act(async () => root.unmount());
    // Fields that go away take their errors with them.
    expect(appStore.getState().fieldErrors).toEqual({});
  });

  async function mount() {
    const el = document.createElement('div');
    document.body.appendChild(el);
    const services = { store: appStore } as unknown as Services;
    const root = createRoot(el);
    await act(async () => {
      root.render(
        <ServicesContext.Provider value={services}>
          <SettingsPanel />
        </ServicesContext.Provider>,
      );
    });
    return { el, root };
  }

  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  async function enter(input: HTMLInputElement, text: string) {
    await act(async () => {
      setValue.call(input, text);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => {
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    });
  }

  it('refuses a measurement set larger than the training set in the words of the rule', async () => {
    appStore.getState().replaceSettings(cloneDefaults());
    const { el, root } = await mount();
    const m = el.querySelector<HTMLInputElement>('#setting-measureSize')!;
    await enter(m, String(DEFAULTS.trainSize + 1));
    const check = CHECKS.find((c) => c.id === 'measure-within-train-size')!;
    const words = check.words(
      { ...cloneDefaults(), measureSize: DEFAULTS.trainSize + 1 },
      nameByLabel,
    );
    expect(words).toBe(
      `measurement set M = ${DEFAULTS.trainSize + 1} exceeds training examples N = ${DEFAULTS.trainSize}`,
    );
    expect(el.querySelector('[role="alert"]')?.textContent).toBe(`Measurement set M: ${words}`);
    expect(appStore.getState().settings.measureSize).toBe(DEFAULTS.measureSize);
    // Lowering N below B is refused on N, naming both.
    const n = el.querySelector<HTMLInputElement>('#setting-trainSize')!;
    await enter(n, '100');
    expect(el.textContent).toContain(
      `batch B = ${DEFAULTS.batch} exceeds training examples N = 100`,
    );
    expect(appStore.getState().settings.trainSize).toBe(DEFAULTS.trainSize);
    await act(async () => root.unmount());
  });

  it('groups controls as the rows say, shows those of the chosen model, and lets the dataset follow the uv model', async () => {
    appStore.getState().replaceSettings(cloneDefaults());
    const { el, root } = await mount();
    const legends = [...el.querySelectorAll('legend, summary')].map((e) => e.textContent);
    for (const g of GROUPS) if (g.placement !== 'diagram') expect(legends).toContain(g.title);
    const training = [...el.querySelectorAll('fieldset.settings-group')].find(
      (f) => f.querySelector('legend')?.textContent === 'Training',
    )!;
    expect(training.querySelector('#setting-batch')).not.toBeNull();

    const model = el.querySelector<HTMLSelectElement>('#setting-model')!;
    await act(async () => {
      model.value = 'uv';
      model.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(appStore.getState().settings).toMatchObject({ model: 'uv', dataset: 'uv' });
    for (const row of SCHEMA) {
      if (row.group === 'diagram' || row.kind === 'cGrid') continue;
      const shown = el.querySelector(`#setting-${row.key}`) !== null;
      expect(shown, row.key).toBe(rowApplies(row, 'uv'));
    }
    expect(el.querySelector('#setting-depths')).toBeNull();
    await act(async () => root.unmount());
    appStore.getState().replaceSettings(cloneDefaults());
  });

  it('the architecture selector shows the ResNet rows and gives the model its depths', async () => {
    appStore.getState().replaceSettings(cloneDefaults());
    const { el, root } = await mount();
    const model = el.querySelector<HTMLSelectElement>('#setting-model')!;
    expect([...model.options].map((o) => o.value)).toEqual(
      expect.arrayContaining(['fcn', 'myrtle', 'resnet', 'uv']),
    );
    await act(async () => {
      model.value = 'resnet';
      model.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(appStore.getState().settings).toMatchObject({ model: 'resnet', depths: [18] });
    for (const row of SCHEMA) {
      if (row.group === 'diagram' || row.kind === 'cGrid') continue;
      const shown = el.querySelector(`#setting-${row.key}`) !== null;
      expect(shown, row.key).toBe(rowApplies(row, 'resnet'));
    }
    expect(el.querySelector('#setting-stem')).not.toBeNull();
    expect(el.querySelector('#setting-activation')).toBeNull();
    await act(async () => root.unmount());
    appStore.getState().replaceSettings(cloneDefaults());
  });
  /** Type text into a field as keystrokes do: input events, no Enter, no blur. */
  async function type(input: HTMLInputElement, text: string) {
    await act(async () => {
      input.focus();
      setValue.call(input, text);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }
  const pause = (ms: number) => act(() => new Promise<void>((r) => setTimeout(r, ms)));

  it('commits what is typed once typing pauses, without Enter or blur, and keeps the text as typed', async () => {
    appStore.getState().replaceSettings(cloneDefaults());
    const { el, root } = await mount();
    const widths = el.querySelector<HTMLInputElement>('#setting-widths')!;
    await type(widths, '32, 64');
    // Not yet: a keystroke does not commit at once.
    expect(appStore.getState().settings.widths).toEqual(DEFAULTS.widths);
    await pause(TYPING_COMMIT_MS + 60);
    expect(appStore.getState().settings.widths).toEqual([32, 64]);
    expect(widths.value).toBe('32, 64');
    expect(document.activeElement).toBe(widths);
    // Text that does not parse commits nothing and holds Run back.
    await type(widths, '32, 6x');
    await pause(TYPING_COMMIT_MS + 60);
    expect(appStore.getState().settings.widths).toEqual([32, 64]);
    expect(appStore.getState().fieldErrors['widths']).toMatch(/^Widths w:/);
    // Escape goes back to the value the field had before this edit, committed or not.
    await act(async () => {
      widths.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(appStore.getState().settings.widths).toEqual(DEFAULTS.widths);
    expect(appStore.getState().fieldErrors['widths']).toBeUndefined();

    // The c grid's parts too: a step of 0.25 over the default range.
    const step = [...el.querySelectorAll<HTMLLabelElement>('label.cgrid-part')]
      .find((l) => l.textContent?.startsWith('step'))!
      .querySelector('input')!;
    await type(step, '0.25');
    await pause(TYPING_COMMIT_MS + 60);
    expect(appStore.getState().settings.cGrid).toMatchObject({ kind: 'log2', step: 0.25 });
    expect(step.value).toBe('0.25');
    await act(async () => root.unmount());
    appStore.getState().replaceSettings(cloneDefaults());
  });
});
