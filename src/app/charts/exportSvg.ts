/**
 * Figure export. The charts carry their look in attributes and an embedded <style>, with a white
 * background rect, so a serialised copy renders the same outside the page.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

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

/**
 * A standalone SVG document (XML declaration, xmlns, explicit size) of a rendered chart. The focus
 * ring is left out; selection outlines stay.
 */
export function serializeSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  for (const sel of EXPORT_OMIT)
    for (const el of Array.from(clone.querySelectorAll(sel))) el.remove();
  const { width, height } = sizeOf(svg);
  clone.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns', SVG_NS);
  clone.setAttribute('version', '1.1');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  if (!clone.getAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const text = new XMLSerializer().serializeToString(clone);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${text}`;
}

/**
 * Rasterises a chart to PNG at `scale`× its size (browser only: Image and canvas). Rejects if
 * the browser cannot decode or encode the image.
 */
export async function svgToPngBlob(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const { width, height } = sizeOf(svg);
  const url = URL.createObjectURL(
    new Blob([serializeSvg(svg)], { type: 'image/svg+xml;charset=utf-8' }),
  );
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
