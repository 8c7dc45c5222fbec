/** Small helpers shared by the chart render functions. */
import { select, type BaseType, type Selection } from 'd3';

export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
export const FONT_SIZE = 11;

/**
 * Estimated width of a label in px. jsdom has no text metrics (getBBox, getComputedTextLength),
 * and layout must not differ between the browser and tests, so the charts never measure text.
 */
export function textWidth(text: string, fontSize = FONT_SIZE): number {
  return text.length * fontSize * 0.6;
}

/**
 * The single child `tag.className` of `parent`, created on first use. Layers are created in call
 * order, so calling these in a fixed order gives a fixed stacking order.
 */
interface LayerTags {
  g: SVGGElement;
  rect: SVGRectElement;
  style: SVGStyleElement;
  defs: SVGDefsElement;
  text: SVGTextElement;
}

export function layer<T extends keyof LayerTags = 'g', P extends BaseType = BaseType>(
  parent: Selection<P, unknown, null, undefined>,
  className: string,
  tag: T = 'g' as T,
): Selection<LayerTags[T], unknown, null, undefined> {
  const node = parent.node() as Element | null;
  if (!node) throw new Error('layer: empty parent selection');
  let child: Element | null = null;
  for (const c of Array.from(node.children)) {
    if (c.tagName.toLowerCase() === tag && c.classList.contains(className)) {
      child = c;
      break;
    }
  }
  if (!child) {
    child = node.ownerDocument.createElementNS('http://www.w3.org/2000/svg', tag);
    child.setAttribute('class', className);
    node.appendChild(child);
  }
  return select(child as LayerTags[T]);
}

/** Sets the svg's size, viewBox, font and a white background (for self-contained exports). */
export function prepareRoot(
  svg: SVGSVGElement,
  className: string,
  width: number,
  height: number,
  css: string,
): Selection<SVGSVGElement, unknown, null, undefined> {
  const root = select(svg)
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('font-family', FONT_FAMILY)
    .attr('font-size', FONT_SIZE)
    .classed('pe-chart', true)
    .classed(className, true);
  const style = layer(root, 'pe-style', 'style');
  if (style.text() !== css) style.text(css);
  layer(root, 'bg', 'rect').attr('width', width).attr('height', height).attr('fill', '#fff');
  return root;
}

/** Numbers for people: about `digits` significant digits, no exponent for ordinary sizes. */
export function formatSig(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 10 ** digits) return String(Math.round(v));
  return String(Number(v.toPrecision(digits)));
}

const SUPERSCRIPT: Readonly<Record<string, string>> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '-': '⁻',
  '.': '·',
};

export function superscript(s: string): string {
  return Array.from(s, (ch) => SUPERSCRIPT[ch] ?? ch).join('');
}

/**
 * A legend laid out in rows across `avail` px: each item a swatch (30 px), its label and a gap;
 * past `maxRows` rows the rest are counted in `hidden` (drawn as "+N more"). `rows` counts the
 * rows drawn, the "+N more" line included; 0 when there is nothing to list.
 */
export function flowLegend<T extends { label: string }>(
  entries: readonly T[],
  fontSize: number,
  avail: number,
  rowH: number,
  maxRows = 3,
): { items: (T & { x: number; y: number })[]; hidden: number; rows: number } {
  const items: (T & { x: number; y: number })[] = [];
  let lx = 0;
  let row = 0;
  let hidden = 0;
  for (const e of entries) {
    const w = 30 + textWidth(e.label, fontSize) + 14;
    if (lx > 0 && lx + w > avail) {
      row += 1;
      lx = 0;
    }
    if (row >= maxRows) {
      hidden += 1;
      continue;
    }
    items.push({ ...e, x: lx, y: row * rowH });
    lx += w;
  }
  const rows = entries.length ? Math.min(maxRows, row + 1) + (hidden ? 1 : 0) : 0;
  return { items, hidden, rows };
}
