/**
 * Figure export. The charts carry their look in attributes and an embedded <style>, with a white
 * background rect, so a serialised copy renders the same outside the page. A figure may carry a
 * caption (the settings that made it), drawn below the chart in a band the export adds.
 */
import { formatCGrid } from '../../core/settings/codec';
import { rowApplies, rowFor, type SettingKey, type Settings } from '../../core/settings/schema';
import { FONT_FAMILY, textWidth } from './svgUtil';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Caption type: size, line height and the margin around it, in px. */
const CAPTION_FONT = 11;
const CAPTION_LINE = 15;
const CAPTION_PAD = 12;

export interface ExportOptions {
  /** Lines of text under the figure (e.g. `settingsCaption`); wrapped to the figure's width. */
  caption?: readonly string[] | undefined;
}

/**
 * The settings behind a figure, as caption items: dataset, model, depths and widths, loss,
 * B, M, T, the c grid and search, seeds, the backend and the date (UTC). Settings that do not
 * apply to the model (B and M for the uv model) are left out.
 */
export function settingsCaption(s: Settings, backend: string | null, date: Date): string[] {
  const applies = (key: SettingKey) => rowApplies(rowFor(key), s.model);
  const label = (key: 'dataset' | 'model' | 'loss') => {
    const row = rowFor(key);
    const labels = row.optionLabels as Readonly<Record<string, string>>;
    return labels[s[key]] ?? s[key];
  };
  const items: string[] = [`dataset ${label('dataset')}`, `model ${label('model')}`];
  if (applies('depths')) items.push(`depths ${s.depths.join(', ')}`);
  items.push(`widths ${s.widths.join(', ')}`);
  if (applies('loss')) items.push(`loss ${label('loss')}`);
  if (applies('batch')) items.push(`B = ${s.batch}`);
  if (applies('measureSize')) items.push(`M = ${s.measureSize}`);
  items.push(`T = ${s.steps}`);
  items.push(
    `c grid ${formatCGrid(s.cGrid)}${s.search === 'bisect' ? ` (bisection, resolution ${s.bisectResolution})` : ''}`,
  );
  items.push(`seeds ${s.seeds.join(', ')}`);
  items.push(`backend ${backend ?? 'unknown'}`);
  items.push(`${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  return items;
}

/**
 * Caption items joined with " · " into lines no wider than `width` px (estimated like the
 * charts' own labels); an item longer than a line gets a line of its own.
 */
export function wrapCaption(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line} · ${item}` : item;
    if (line && textWidth(next, CAPTION_FONT) > width) {
      lines.push(line);
      line = item;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** Interaction-only decorations that do not belong in a figure. */
const EXPORT_OMIT = ['.focus-ring'];

function sizeOf(svg: SVGSVGElement): { width: number; height: number } {
  const w = Number(svg.getAttribute('width'));
  const h = Number(svg.getAttribute('height'));
  if (w > 0 && h > 0) return { width: w, height: h };
  const vb = (svg.getAttribute('viewBox') ?? '').split(/[\s,]+/).map(Number);
  if (vb.length === 4 && vb[2]! > 0 && vb[3]! > 0) return { width: vb[2]!, height: vb[3]! };
  return { width: 800, height: 600 };
}

/** The exported copy of `svg` and its size (caption band included). */
function exportCopy(
  svg: SVGSVGElement,
  options: ExportOptions,
): { text: string; width: number; height: number } {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  for (const sel of EXPORT_OMIT)
    for (const el of Array.from(clone.querySelectorAll(sel))) el.remove();
  const { width, height: chartHeight } = sizeOf(svg);
  const doc = svg.ownerDocument;
  const lines = options.caption ? wrapCaption(options.caption, width - 2 * CAPTION_PAD) : [];
  const height =
    lines.length > 0 ? chartHeight + CAPTION_PAD + lines.length * CAPTION_LINE : chartHeight;
  if (lines.length > 0) {
    // The background must reach under the caption, or a PNG would show it on transparent pixels.
    for (const bg of Array.from(clone.querySelectorAll(':scope > rect.bg')))
      bg.setAttribute('height', String(height));
    const g = doc.createElementNS(SVG_NS, 'g');
    g.setAttribute('class', 'export-caption');
    g.setAttribute('font-family', FONT_FAMILY);
    g.setAttribute('font-size', String(CAPTION_FONT));
    g.setAttribute('fill', '#333');
    lines.forEach((line, i) => {
      const t = doc.createElementNS(SVG_NS, 'text');
      t.setAttribute('x', String(CAPTION_PAD));
      t.setAttribute('y', String(chartHeight + CAPTION_PAD / 2 + (i + 1) * CAPTION_LINE - 4));
      t.textContent = line;
      g.appendChild(t);
    });
    clone.appendChild(g);
  }
  clone.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns', SVG_NS);
  clone.setAttribute('version', '1.1');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  if (lines.length > 0 || !clone.getAttribute('viewBox'))
    clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const text = new XMLSerializer().serializeToString(clone);
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${text}`, width, height };
}

/**
 * A standalone SVG document (XML declaration, xmlns, explicit size) of a rendered chart, with an
 * optional caption below it. The focus ring is left out; selection outlines stay.
 */
export function serializeSvg(svg: SVGSVGElement, options: ExportOptions = {}): string {
  return exportCopy(svg, options).text;
}

/**
 * Rasterises a chart to PNG at `scale`× its size (browser only: Image and canvas). Rejects if
 * the browser cannot decode or encode the image.
 */
export async function svgToPngBlob(
  svg: SVGSVGElement,
  scale = 2,
  options: ExportOptions = {},
): Promise<Blob> {
  const { text, width, height } = exportCopy(svg, options);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('PNG export: no 2d canvas context');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('PNG export: canvas.toBlob failed'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
