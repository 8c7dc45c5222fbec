/**
 * User data: Fashion-MNIST IDX files dropped on the page are parsed in the worker, used by the
 * sweep, and kept in IndexedDB so that a reload does not ask for them again.
 */
import { describe, expect, it } from 'vitest';
import {
  sharedServerAndBrowser,
  appAttr,
  cellCount,
  collectErrors,
  waitForBackend,
  waitForStatus,
  type Browser,
  type Served,
} from './harness';

let server: Served;
let browser: Browser;
sharedServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/** A raw IDX pair of `n` 28×28 images with labels 0..9 (what the official files hold, ungzipped). */
function idxPair(n: number): { images: Buffer; labels: Buffer } {
  const images = Buffer.alloc(16 + n * 784);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < 784; p++) images[16 + i * 784 + p] = ((p % 28) * (1 + (i % 10)) + i) % 256;
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) labels[8 + i] = i % 10;
  return { images, labels };
}

const LINK = '#v=1&ds=fashion-mnist&w=8&c=1%2C2&t=2&n=256&mm=64&bs=64&li=5';

describe('user datasets', () => {
  it('asks for the files, names a bad one, loads dropped ones, and keeps them across a reload', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}?backends=wasm${LINK}`);
    await waitForBackend(page);
    const zone = page.getByTestId('drop-zone');
    expect(await zone.textContent()).toContain('Fashion-MNIST files needed');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain('Load the Fashion-MNIST files first');

    await page.locator('#dataset-file-input').setInputFiles({
      name: 'holiday.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from('not an idx file at all'),
    });
    await expect
      .poll(() => page.locator('.dataset-panel [role="alert"]').textContent())
      .toContain('holiday.jpg');

    // Drop both files on the page, as a person would from a file manager.
    const { images, labels } = idxPair(300);
    await page.evaluate(
      ({ img, lab }) => {
        const file = (b64: string, name: string): File =>
          new File(
            [Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)).buffer as ArrayBuffer],
            name,
          );
        const dt = new DataTransfer();
        dt.items.add(file(img, 'train-images-idx3-ubyte'));
        dt.items.add(file(lab, 'train-labels-idx1-ubyte'));
        window.dispatchEvent(
          new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
        );
      },
      { img: images.toString('base64'), lab: labels.toString('base64') },
    );
    await expect.poll(() => zone.textContent()).toContain('Fashion-MNIST: 300 images');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
    const cells = await cellCount(page);
    expect(cells).toBeGreaterThanOrEqual(1);

    await page.reload();
    await waitForBackend(page);
    await expect.poll(() => zone.textContent()).toContain('kept from an earlier visit');
    await expect.poll(() => appAttr(page, 'data-restored-runs')).toBe(String(cells));
    expect(errors.filter((e) => !e.includes('holiday.jpg'))).toEqual([]);
    await page.close();
  });

  it('a CIFAR-10 preset without a shipped result asks for the CIFAR-10 file', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?backends=wasm`);
    await waitForBackend(page);
    // The FCN Paper preset opens its shipped result instead (teaching.test.ts); the Myrtle one has
    // none, so it asks for the data.
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Paper: Myrtle CNNs on CIFAR-10 (GPU)' }).click(),
    ]);
    expect(chooser.isMultiple()).toBe(true);
    expect(await page.locator('#setting-dataset').inputValue()).toBe('cifar10');
    expect(await page.locator('#setting-widths').inputValue()).toBe('16,32,64,128');
    expect(await page.getByTestId('drop-zone').textContent()).toContain('CIFAR-10 files needed');
    await page.close();
  });
});
