// @vitest-environment jsdom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, SCHEMA } from '../../core/settings/schema';
import { ServicesContext, type Services } from '../services';
import { appStore } from '../store/store';
import { SettingsPanel } from './SettingsPanel';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

describe('SettingsPanel', () => {
  it('has a labelled control with help for every schema row (the axis lives on the diagram)', async () => {
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
    expect(el.textContent).toContain(`is larger than the training set N = ${DEFAULTS.trainSize}`);
    expect(appStore.getState().settings.batch).toBe(DEFAULTS.batch);
    await act(async () => root.unmount());
    // Fields that go away take their errors with them.
    expect(appStore.getState().fieldErrors).toEqual({});
  });
});
