import { html, type SafeHtml } from './html.js';

/**
 * Server-rendered SVG charts: no script, no external library. Every chart has a title and
 * description for screen readers, and the page also shows the same figures as a table.
 */

const W = 760;
const H = 240;
const PAD = { left: 44, right: 12, top: 14, bottom: 40 };
export const SERIES_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

function xAxisLabels(days: string[], x: (i: number) => number): SafeHtml[] {
  const step = Math.max(1, Math.ceil(days.length / 8));
  return days.flatMap((d, i) => (i % step === 0 ? [html`<text x="${x(i).toFixed(1)}" y="${H - PAD.bottom + 16}" font-size="11" text-anchor="middle" fill="#222">${d.slice(5)}</text>`] : []));
}

export function barChart(title: string, days: string[], values: number[]): SafeHtml {
  const max = Math.max(1, ...values);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, days.length);
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const bars = values.map(
    (v, i) =>
      html`<rect x="${(PAD.left + slot * i + slot * 0.15).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(PAD.top + plotH - y(v)).toFixed(1)}" fill="#1f5fa8"><title>${days[i]}: ${v}</title></rect>`,
  );
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="bar-t bar-d" xmlns="http://www.w3.org/2000/svg">
<title id="bar-t">${title}</title><desc id="bar-d">Bar chart, one bar per day, highest ${max}. The table below has the same figures.</desc>
<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}" stroke="#222"/>
<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + plotH}" stroke="#222"/>
<text x="${PAD.left - 6}" y="${PAD.top + 4}" font-size="11" text-anchor="end" fill="#222">${max}</text>
<text x="${PAD.left - 6}" y="${PAD.top + plotH}" font-size="11" text-anchor="end" fill="#222">0</text>
${bars}${xAxisLabels(days, x)}
</svg>`;
}

export type Series = { name: string; points: Array<number | null> };

/** Lines on a 1-5 scale; a day without reports leaves a gap rather than inventing a value. */
export function lineChart(title: string, days: string[], series: Series[]): SafeHtml {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (days.length <= 1 ? plotW / 2 : (plotW * i) / (days.length - 1));
  const y = (v: number) => PAD.top + plotH - ((v - 1) / 4) * plotH;
  const grid = [1, 2, 3, 4, 5].map(
    (v) =>
      html`<line x1="${PAD.left}" y1="${y(v).toFixed(1)}" x2="${W - PAD.right}" y2="${y(v).toFixed(1)}" stroke="#ccc"/><text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#222">${v}</text>`,
  );
  const lines = series.map((s, si) => {
    const colour = SERIES_COLOURS[si % SERIES_COLOURS.length]!;
    const segments: string[][] = [[]];
    s.points.forEach((p, i) => {
      if (p === null) segments.push([]);
      else segments[segments.length - 1]!.push(`${x(i).toFixed(1)},${y(p).toFixed(1)}`);
    });
    const paths = segments.filter((seg) => seg.length > 1).map((seg) => html`<polyline fill="none" stroke="${colour}" stroke-width="2.5" points="${seg.join(' ')}"/>`);
    const dots = s.points.flatMap((p, i) =>
      p === null ? [] : [html`<circle cx="${x(i).toFixed(1)}" cy="${y(p).toFixed(1)}" r="3.5" fill="${colour}"><title>${s.name}, ${days[i]}: ${p.toFixed(2)}</title></circle>`],
    );
    return html`<g>${paths}${dots}</g>`;
  });
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="line-t line-d" xmlns="http://www.w3.org/2000/svg">
<title id="line-t">${title}</title><desc id="line-d">Line chart of the average satisfaction rating (1 to 5) per facility per day. The table below has the same figures.</desc>
${grid}${lines}${xAxisLabels(days, x)}
</svg>`;
}
