/**
 * Nothing runs that the user did not write: the built app ships a Content-Security-Policy (no
 * inline script, no eval) that holds in the page and its worker on every backend; script and HTML
 * payloads in every link field, in file names and in imported results stay inert text; links and
 * imports over their size limits are refused with a message, without freezing the page.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA } from '../../src/core/settings/schema';
import { MAX_HASH_CHARS, decodeSettings } from '../../src/core/settings/url';
import { expandCGrid } from '../../src/core/settings/codec';
import { MAX_IMPORT_BYTES, MAX_IMPORT_LINES } from '../../src/app/io/importResults';
import { JSON_FORMAT } from '../../src/app/io/exportData';
import { CONTENT_SECURITY_POLICY } from '../../vite.config';
import {
  sharedServerAndBrowser,
  ROOT,
  appAttr,
  cellCount,
  cells,
  collectErrors,
  planProblems,
  pressRun,
  waitForBackend,
  waitForStatus,
  watchCsp,
  type Browser,
  type Served,
} from './harness';

let server: Served;
let browser: Browser;
sharedServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/** Each would set window.__pwned if anything ever treated it as markup or code. */
const PAYLOADS = [
  '<img src=x onerror=window.__pwned=1>',
  '"><script>window.__pwned=1</script>',
  'javascript:window.__pwned=1',
  "{{constructor.constructor('window.__pwned=1')()}}",
  '<svg onload=window.__pwned=1>',
  "'-window.__pwned=1-'",
  '</p><iframe srcdoc="<script>parent.__pwned=1</script>">',
  '${window.__pwned=1}',
] as const;

/** Nothing executed, and nothing that a payload could have become is in the document. */
async function expectInert(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBe(
    undefined,
  );
  const injected = await page
    .locator('script:not([src]), iframe, object, embed, img[src="x"], [onerror], [onload]')
    .count();
  expect(injected).toBe(0);
}

/** A page of the app, watched for CSP violations. */
async function open(
  hash: string,
  opts: { query?: string } = {},
): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  const page = await browser.newPage();
  const violations = await watchCsp(page);
  await page.goto(`${server.url}${opts.query ?? '?backends=wasm'}${hash}`);
  await waitForBackend(page);
  return { page, violations };
}

const UV = '#v=1&ds=uv&m=uv&d=2&w=64,256&c=log2%3A0%3A2.5%3A0.25';

/** Per entry point, how many hostile inputs were tried (printed for the note). */
const tried: Record<string, number> = {};
const count = (entry: string, n = 1): void => {
  tried[entry] = (tried[entry] ?? 0) + n;
};

afterAll(() => {
  console.log(`hostile inputs tried: ${JSON.stringify(tried)}`);
});

/**
 * Record, in the page's own thread only (init scripts do not run in workers), every use of what
 * training needs: compiling WebAssembly, a WebGL context, a WebGPU adapter. The charts draw SVG
 * and the PNG export a 2D canvas, so a page that only shows results uses none of them.
 */
async function watchMainThreadCompute(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __compute: string[] };
    w.__compute = [];
    const note = (what: string) => w.__compute.push(what);
    const wasm = WebAssembly as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming']) {
      const original = wasm[name];
      if (typeof original !== 'function') continue;
      wasm[name] = function (this: unknown, ...args: unknown[]) {
        note(`WebAssembly.${name}`);
        return original.apply(this, args);
      };
    }
    const OriginalModule = WebAssembly.Module;
    (WebAssembly as unknown as { Module: unknown }).Module = function (bytes: BufferSource) {
      note('new WebAssembly.Module');
      return new OriginalModule(bytes);
    };
    for (const Canvas of [HTMLCanvasElement, globalThis.OffscreenCanvas].filter(Boolean)) {
      const proto = Canvas.prototype as unknown as {
        getContext: (this: unknown, kind: string, ...rest: unknown[]) => unknown;
      };
      const original = proto.getContext;
      proto.getContext = function (kind: string, ...rest: unknown[]) {
        if (/webgl|webgpu/i.test(kind)) note(`getContext(${kind})`);
        return original.call(this, kind, ...rest);
      };
    }
    const gpu = (navigator as unknown as { gpu?: { requestAdapter: (...a: unknown[]) => unknown } })
      .gpu;
    if (gpu) {
      const original = gpu.requestAdapter.bind(gpu);
      gpu.requestAdapter = (...a: unknown[]) => {
        note('navigator.gpu.requestAdapter');
        return original(...a);
      };
    }
  });
}

async function mainThreadCompute(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __compute: string[] }).__compute);
}

describe('Content-Security-Policy', () => {
  it('the built index.html carries the policy, has no inline script, and no bundle evals', () => {
    const html = readFileSync(join(ROOT, 'dist/index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
    const policy = meta![1]!;
    const scriptSrc = /script-src ([^;]*)/.exec(policy)?.[1] ?? '';
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'none'");
    // The policy comes before every script and stylesheet it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc=/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    // Neither the page's nor the worker's bundle builds code from strings.
    const assets = join(ROOT, 'dist/assets');
    for (const f of readdirSync(assets).filter((n) => n.endsWith('.js'))) {
      const js = readFileSync(join(assets, f), 'utf8');
      expect(js, f).not.toMatch(/\bnew Function\(|[^.\w$]eval\(|setTimeout\(\s*["'`]/);
    }
  });

  it('holds in the served page: eval and injected inline script are refused', async () => {
    const page = await browser.newPage();
    const violations = await watchCsp(page);
    const response = await page.goto(`${server.url}?backends=wasm${UV}`);
    expect(response?.headers()['content-security-policy']).toContain(CONTENT_SECURITY_POLICY);
    await waitForBackend(page);
    // From a task of the page's own (code evaluated by the test driver may eval regardless).
    await page.evaluate(() => {
      const w = window as unknown as { __refused: string[] };
      w.__refused = [];
      setTimeout(() => {
        try {
          (0, eval)('window.__pwned = 1');
          w.__refused.push('eval ran');
        } catch (e) {
          w.__refused.push((e as Error).name);
        }
        try {
          new Function('window.__pwned = 1')();
          w.__refused.push('Function ran');
        } catch (e) {
          w.__refused.push((e as Error).name);
        }
        const s = document.createElement('script');
        s.textContent = 'window.__pwned = 1';
        document.head.append(s);
        s.remove();
        w.__refused.push('done');
      }, 0);
    });
    await page.waitForFunction(() =>
      (window as unknown as { __refused: string[] }).__refused.includes('done'),
    );
    const refused = await page.evaluate(() =>
      (window as unknown as { __refused: string[] }).__refused.filter((r) => r !== 'done'),
    );
    expect(refused).toEqual(['EvalError', 'EvalError']);
    await expect.poll(async () => (await violations()).length).toBeGreaterThanOrEqual(3);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBe(
      undefined,
    );
    await page.close();
  });

  it('a 30-cell sweep on wasm under the policy: no violation, no error, and the worker, not the page, trains', async () => {
    const hash = '#v=1&d=2&w=8,16&n=256&mm=64&bs=64&t=5&li=6&c=log2%3A-3%3A4%3A0.25';
    const page = await browser.newPage();
    const violations = await watchCsp(page);
    const errors = collectErrors(page);
    await watchMainThreadCompute(page);
    await page.goto(`${server.url}?backends=wasm${hash}`);
    await waitForBackend(page);
    await pressRun(page);
    // A person watches the running cell's curves while the diagram fills.
    await page.waitForFunction(
      (sel) => document.querySelectorAll(sel).length >= 4,
      '[data-regime][data-c]',
    );
    await page.locator('[data-regime][data-c]').first().click();
    expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
    const found = await cells(page);
    expect(found.length).toBeGreaterThanOrEqual(30);
    const grid = expandCGrid(decodeSettings(hash).settings.cGrid);
    expect(planProblems(found, ['2/8/0', '2/16/0'], grid)).toEqual([]);
    // Every cell was computed, and computed off the page: the page's own thread compiled no
    // WebAssembly, opened no WebGL context and asked for no GPU, while a worker did the training
    // (its tfjs wasm backend compiles its module there, out of this count's reach).
    expect(Number(await appAttr(page, 'data-computed-runs'))).toBe(found.length);
    expect(page.workers().length).toBeGreaterThanOrEqual(1);
    expect(await mainThreadCompute(page)).toEqual([]);
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('WebGL runs under the policy too', async () => {
    const page = await browser.newPage();
    const violations = await watchCsp(page);
    const errors = collectErrors(page);
    await page.goto(
      `${server.url}?backends=webgl#v=1&d=2&w=8&c=1%2C3&n=128&mm=32&bs=32&t=3&li=6&s=5`,
    );
    expect(await waitForBackend(page)).toBe('webgl');
    await pressRun(page);
    expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
    expect(Number(await appAttr(page, 'data-computed-runs'))).toBe(2);
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('link fields are data', () => {
  it('payloads in every field of the link, and as field names, are shown as text and never run', async () => {
    const { page, violations } = await open(UV);
    const notice = page.getByTestId('url-notice');
    for (const payload of PAYLOADS) {
      const enc = encodeURIComponent(payload);
      for (const raw of [false, true]) {
        const value = raw ? payload : enc;
        const fields = [`v=${value}`, ...SCHEMA.map((r) => `${r.url}=${value}`), `${value}=1`];
        await page.evaluate((h) => {
          window.location.hash = h;
        }, fields.join('&'));
        count('link field', fields.length);
        await expect.poll(() => notice.locator('li').count()).toBeGreaterThan(0);
        await expectInert(page);
        if (raw) continue;
        // Each field is named in the notice, and the unknown one quotes the payload as text.
        for (const row of SCHEMA)
          expect(await notice.locator(`li[data-field="${row.key}"]`).count(), row.key).toBe(1);
        expect(await notice.locator('li[data-field="v"]').count()).toBe(1);
        await expect
          .poll(() => notice.locator('li[data-field="hash"]').last().textContent())
          .toContain(JSON.stringify(payload.slice(0, 40)));
        if (payload.includes('<')) expect(await notice.innerHTML()).toContain('&lt;');
      }
    }
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it(`links over ${MAX_HASH_CHARS} characters are refused with a notice, at once`, async () => {
    const { page, violations } = await open(UV);
    const notice = page.getByTestId('url-notice');
    for (const size of [MAX_HASH_CHARS + 1, 1_000_000]) {
      const long = `v=1&w=${'6'.repeat(size)}`;
      await page.evaluate((h) => {
        window.location.hash = h;
      }, long);
      count('link length');
      await expect.poll(() => notice.textContent()).toContain(`longer than ${MAX_HASH_CHARS}`);
      // Defaults in place of the refused link; the hash is rewritten to them.
      await expect.poll(() => page.evaluate(() => window.location.hash.length)).toBeLessThan(100);
    }
    // The app still works: a good link after the refused ones runs.
    await page.evaluate((h) => {
      window.location.hash = h;
    }, UV);
    await expect.poll(() => page.locator('#setting-dataset').inputValue()).toBe('uv');
    await pressRun(page);
    expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
    expect(await cellCount(page)).toBeGreaterThan(0);
    expect(await violations()).toEqual([]);
    await page.close();
  });
});

/** A raw IDX pair of `n` 28×28 images (the official files' format, ungzipped). */
function idxPair(n: number): { images: Buffer; labels: Buffer } {
  const images = Buffer.alloc(16 + n * 784);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  for (let i = 0; i < n * 784; i++) images[16 + i] = (i * 7) % 256;
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) labels[8 + i] = i % 10;
  return { images, labels };
}

describe('file names are data', () => {
  it('a dataset file named like markup is named as text in the error, the drop zone and after a reload', async () => {
    const { page, violations } = await open('#v=1&ds=fashion-mnist&w=8&c=1&t=2&n=64&mm=64&bs=64');
    const panelAlert = page.locator('.dataset-panel [role="alert"]');
    for (const payload of PAYLOADS) {
      const name = `train-images-${payload}.gz`;
      await page.locator('#dataset-file-input').setInputFiles({
        name,
        mimeType: 'application/gzip',
        buffer: Buffer.from('not a dataset'),
      });
      count('dataset file name');
      await expect.poll(() => panelAlert.textContent()).toContain(payload);
      await expectInert(page);
    }
    // Good files with hostile names, dropped: listed by name, kept in IndexedDB, listed again.
    // (No "/" in these: a file's base name is what follows the last one.)
    const names = [
      `${PAYLOADS[0]}train-images-idx3-ubyte`,
      `${PAYLOADS[4]}train-labels-idx1-ubyte`,
    ];
    const { images, labels } = idxPair(64);
    await page.evaluate(
      ({ img, lab, names }) => {
        const file = (b64: string, name: string): File =>
          new File([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], name);
        const dt = new DataTransfer();
        dt.items.add(file(img, names[0]!));
        dt.items.add(file(lab, names[1]!));
        window.dispatchEvent(
          new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
        );
      },
      { img: images.toString('base64'), lab: labels.toString('base64'), names },
    );
    count('dataset file name', 2);
    const zone = page.getByTestId('drop-zone');
    await expect.poll(() => zone.textContent()).toContain('Fashion-MNIST: 64 images');
    for (const n of names) expect(await zone.textContent()).toContain(n);
    await expectInert(page);
    await page.reload();
    await waitForBackend(page);
    await expect.poll(() => zone.textContent()).toContain('kept from an earlier visit');
    for (const n of names) expect(await zone.textContent()).toContain(n);
    await expectInert(page);
    expect(await violations()).toEqual([]);
    await page.close();
  });
});

/** A finished run as the CLI writes it. */
function runLine(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'run',
    depth: 2,
    width: 64,
    seed: 0,
    c: 1,
    eta: 0.5,
    lambda0: 2,
    loss0: 0.5,
    diverged: false,
    regime: 'stable',
    loss: [0.5, 0.4, 0.3],
    sharpness: [2, 1.9, 1.8],
    lanczosIters: [3, 3, 3],
    seconds: 0.1,
    ...over,
  };
}

function columnLine(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'column',
    depth: 2,
    width: 64,
    seed: 0,
    lambda0: 2,
    loss0: 0.5,
    c_loss: null,
    c_sharp: null,
    c_max: null,
    ...over,
  };
}

/** A JSON Lines file with `payload` in every field of a run and a column, and in unknown ones. */
function hostileJsonl(payload: string): { text: string; lines: number } {
  const records: Record<string, unknown>[] = [
    // Shown in the rejected summary, which quotes an unknown type.
    { type: payload },
    // Accepted: unknown fields (names and values) are dropped.
    runLine({ [payload]: payload, note: payload, nested: { [payload]: [payload] } }),
    columnLine({ [payload]: payload }),
  ];
  // Rejected: the payload in place of each field's value.
  for (const key of Object.keys(runLine())) records.push(runLine({ c: 3, [key]: payload }));
  for (const key of Object.keys(columnLine()))
    records.push(columnLine({ width: 128, [key]: payload }));
  records.push(runLine({ c: 4, loss: [payload, 0.1, 0.1] }));
  const lines = records.map((r) => JSON.stringify(r));
  // Accepted too: an own "__proto__" key (JSON.parse makes it a plain property) pollutes nothing.
  const proto = JSON.stringify({ polluted: payload });
  lines.push(
    JSON.stringify(runLine({ c: 2, eta: 1, constructor: payload })).replace(
      /^\{/,
      `{"__proto__":${proto},`,
    ),
  );
  return { text: lines.join('\n'), lines: lines.length };
}

describe('imported results are data', () => {
  it('payloads in every field of imported runs and columns, and in the file name, stay text', async () => {
    const { page, violations } = await open(UV);
    const banner = page.getByTestId('import-banner');
    const input = page.getByTestId('import-input');
    for (const payload of PAYLOADS) {
      const { text, lines } = hostileJsonl(payload);
      const name = `${payload}.jsonl`;
      await input.setInputFiles({
        name,
        mimeType: 'application/x-ndjson',
        buffer: Buffer.from(text),
      });
      count('imported record', lines);
      count('import file name');
      await expect.poll(() => banner.locator('strong').textContent()).toBe(name);
      const shown = (await banner.textContent()) ?? '';
      expect(shown).toContain('2 runs, 1 columns');
      expect(shown).toContain(JSON.stringify(payload).slice(0, 30));
      expect(await page.evaluate(() => 'polluted' in ({} as Record<string, unknown>))).toBe(false);
      // The imported cells work as any: click one, see its curves.
      await page.locator('[data-regime][data-c]').first().click();
      await expectInert(page);
      await page.getByRole('button', { name: 'Close import' }).click();
      await expect.poll(() => banner.count()).toBe(0);

      // This app's JSON export, with the payload in its link and unknown fields.
      const doc = {
        format: JSON_FORMAT,
        hash: `#v=1&ds=${encodeURIComponent(payload)}&w=${payload}`,
        [payload]: payload,
        runs: [runLine({ [payload]: payload })],
        columns: [{ type: payload }],
      };
      await input.setInputFiles({
        name: `${payload}.json`,
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(doc)),
      });
      count('imported record', 2);
      count('import file name');
      await expect.poll(() => banner.locator('strong').textContent()).toBe(`${payload}.json`);
      await expectInert(page);
      await page.getByRole('button', { name: 'Close import' }).click();
      await expect.poll(() => banner.count()).toBe(0);

      // Nothing valid at all: the error names the file, as text.
      await input.setInputFiles({
        name: `${payload}.jsonl`,
        mimeType: 'application/x-ndjson',
        buffer: Buffer.from(`${payload}\n{"type":"run"}`),
      });
      count('imported record', 2);
      count('import file name');
      await expect
        .poll(() => page.locator('.sweep-bar [role="alert"]').textContent())
        .toContain(`Import of ${payload}.jsonl failed`);
      await expectInert(page);
    }
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it(`files over ${MAX_IMPORT_BYTES / 2 ** 20} MB or ${MAX_IMPORT_LINES} lines are refused at once, with a message`, async () => {
    const { page } = await open(UV);
    // "At once": the size is checked before a byte is read. Every read of a file's contents in
    // the page is recorded by name (a read of 60 MB would also stall the page while it parses).
    await page.evaluate(() => {
      const w = window as unknown as { __reads: string[] };
      w.__reads = [];
      const nameOf = (b: unknown) => (b instanceof File ? b.name : 'a blob');
      const blob = Blob.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
      for (const m of ['text', 'arrayBuffer', 'stream', 'bytes']) {
        const original = blob[m];
        if (typeof original !== 'function') continue;
        blob[m] = function (this: unknown, ...a: unknown[]) {
          w.__reads.push(`${m}(${nameOf(this)})`);
          return original.apply(this, a);
        };
      }
      const reader = FileReader.prototype as unknown as Record<string, (b: Blob) => void>;
      for (const m of ['readAsText', 'readAsArrayBuffer', 'readAsDataURL', 'readAsBinaryString']) {
        const original = reader[m]!;
        reader[m] = function (this: FileReader, b: Blob) {
          w.__reads.push(`${m}(${nameOf(b)})`);
          return original.call(this, b);
        };
      }
    });
    const before = await cellCount(page);
    const alert = page.locator('.sweep-bar [role="alert"]');
    // Made in the page (a 60 MB upload through the test driver would dwarf the check itself).
    await page.evaluate(
      (bytes) => {
        (window as unknown as { __big: File }).__big = new File(
          [new Uint8Array(bytes).fill(0x7b)],
          'huge.jsonl',
        );
      },
      MAX_IMPORT_BYTES + 10 * 2 ** 20,
    );
    await page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="import-input"]')!;
      const dt = new DataTransfer();
      dt.items.add((window as unknown as { __big: File }).__big);
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    count('import size');
    await expect.poll(() => alert.textContent()).toContain('huge.jsonl is 60 MB');
    expect(await alert.textContent()).toContain('up to 50 MB');
    const reads = () => page.evaluate(() => (window as unknown as { __reads: string[] }).__reads);
    expect((await reads()).filter((r) => r.includes('huge.jsonl'))).toEqual([]);

    await page.getByTestId('import-input').setInputFiles({
      name: 'many.jsonl',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from('{}\n'.repeat(MAX_IMPORT_LINES + 5)),
    });
    count('import size');
    await expect.poll(() => alert.textContent()).toContain('many.jsonl has 200,006 lines');
    expect(await page.getByTestId('import-banner').count()).toBe(0);
    expect(await cellCount(page)).toBe(before);
    await page.close();
  });
});
