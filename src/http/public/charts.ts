import { html, type SafeHtml } from '../staff/html.js';

/**
 * Inline SVG bar charts for the public pages: no script, escaped by the same template as
 * every page. Each chart has a title and a description for screen readers, and the page
 * shows the same figures in a table beside it. A figure that is not published draws no
 * bar and says so in its label, never a zero that would read as a finding.
 */

export type Bar = { label: string; pct: number | null; text: string };

/** One row per bar, label above the bar: fits a 360 px phone without small type. */
export function horizontalBars(id: string, title: string, description: string, bars: Bar[]): SafeHtml {
  const W = 320;
  const ROW = 44;
  const H = bars.length * ROW + 4;
  const rows = bars.map((b, i) => {
    const y = i * ROW;
    const w = b.pct === null ? 0 : Math.max(1, (b.pct / 100) * W);
    return html`<text x="0" y="${y + 14}" font-size="13" fill="#111">${b.label}: ${b.text}</text>
<rect x="0" y="${y + 20}" width="${W}" height="16" fill="#e4e8ee"/>${b.pct === null ? '' : html`<rect x="0" y="${y + 20}" width="${w.toFixed(1)}" height="16" fill="#1f5fa8"/>`}`;
  });
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-t">${title}</title><desc id="${id}-d">${description}</desc>
${rows}
</svg>`;
}

/** Vertical bars, one per month, 0-100 %. */
export function monthBars(id: string, title: string, description: string, bars: Bar[]): SafeHtml {
  const W = 320;
  const H = 170;
  const top = 18;
  const plot = 110;
  const slot = W / Math.max(1, bars.length);
  const cols = bars.map((b, i) => {
    const x = slot * i;
    const h = b.pct === null ? 0 : Math.max(1, (b.pct / 100) * plot);
    return html`${b.pct === null ? html`<text x="${(x + slot / 2).toFixed(1)}" y="${top + plot - 4}" font-size="12" text-anchor="middle" fill="#3d3d3d">–</text>` : html`<rect x="${(x + slot * 0.2).toFixed(1)}" y="${(top + plot - h).toFixed(1)}" width="${(slot * 0.6).toFixed(1)}" height="${h.toFixed(1)}" fill="#1f5fa8"/><text x="${(x + slot / 2).toFixed(1)}" y="${(top + plot - h - 4).toFixed(1)}" font-size="12" text-anchor="middle" fill="#111">${b.pct}%</text>`}
<text x="${(x + slot / 2).toFixed(1)}" y="${top + plot + 18}" font-size="12" text-anchor="middle" fill="#111">${b.label}</text>`;
  });
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-t">${title}</title><desc id="${id}-d">${description}</desc>
<line x1="0" y1="${top + plot}" x2="${W}" y2="${top + plot}" stroke="#111"/>
${cols}
</svg>`;
}
