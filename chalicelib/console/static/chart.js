// Charts drawn as SVG by the app (no chart library): bars (stacked or side by side) and lines. Each chart is
// an image with a name; every bar and point has a <title> with its figure; the legend is text; the numbers
// themselves are in the table beside each chart (analytics.js). Colours come from classes (console.css):
// no style attribute, as the CSP wants. Okabe-Ito's palette, told apart without relying on hue alone.
import { html } from './htm-preact-3.1.1.js';

const W = 640;
const H = 230;
const PAD = { left: 44, right: 10, top: 12, bottom: 34 };

/** A round top for the axis (1, 2, 5 × 10^n), at least `floor`. */
function niceMax(value, floor = 1) {
  const v = Math.max(value, floor);
  const power = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= v);
}

const fmt = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

function Axes({ max, labels, band, unit }) {
  const y = (v) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const every = Math.ceil(labels.length / 12); // at most a dozen labels under the axis
  const room = Math.max(3, Math.floor((band * every) / 6.5)); // characters that fit under a bar (~6.5 px each)
  const fit = (label) => (label.length > room ? `${label.slice(0, room - 1)}…` : label);
  return html`<g class="axis" aria-hidden="true">
    ${[0, max / 2, max].map((v) => html`<g key=${v}>
      <line x1=${PAD.left} x2=${W - PAD.right} y1=${y(v)} y2=${y(v)} class="grid" />
      <text x=${PAD.left - 6} y=${y(v) + 4} text-anchor="end">${fmt(v)}${unit}</text></g>`)}
    ${labels.map((label, i) => (i % every ? null : html`<text key=${i} x=${PAD.left + band * (i + 0.5)}
      y=${H - PAD.bottom + 16} text-anchor="middle">${fit(label)}</text>`))}
  </g>`;
}

function Legend({ series }) {
  if (series.length < 2) return null;
  return html`<ul class="legend">${series.map((s, i) => html`<li key=${s.name}>
    <svg width="14" height="14" aria-hidden="true" focusable="false"><rect width="14" height="14" class=${`s${i % 8}`} /></svg>
    ${s.name}</li>`)}</ul>`;
}

/** Bars per label, one per series (side by side) or stacked; values: series[i].values[label index]. */
export function Bars({ title, labels, series, stacked = false, unit = '' }) {
  const totals = labels.map((_, j) => (stacked ? series.reduce((sum, s) => sum + (s.values[j] || 0), 0)
    : Math.max(0, ...series.map((s) => s.values[j] || 0))));
  const max = niceMax(Math.max(0, ...totals), unit === '%' ? 100 : 1);
  const band = (W - PAD.left - PAD.right) / Math.max(labels.length, 1);
  const inner = H - PAD.top - PAD.bottom;
  const width = stacked ? band * 0.6 : (band * 0.8) / Math.max(series.length, 1);
  const bars = [];
  labels.forEach((label, j) => {
    let base = 0;
    series.forEach((s, i) => {
      const v = s.values[j] || 0;
      if (!v) return;
      const h = (inner * v) / max;
      const x = PAD.left + band * j + (stacked ? band * 0.2 : band * 0.1 + width * i);
      const yTop = PAD.top + inner - (stacked ? base : 0) - h;
      bars.push(html`<rect key=${`${i}-${j}`} x=${x} y=${yTop} width=${Math.max(width - 1, 1)} height=${h}
        class=${`s${i % 8}`}><title>${label}, ${s.name}: ${fmt(v)}${unit}</title></rect>`);
      if (stacked) base += h;
    });
  });
  return html`<figure class="chart">
    <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${`${title} (the numbers are in the table)`}>
      <title>${title}</title>
      <${Axes} max=${max} labels=${labels} band=${band} unit=${unit} />
      <g>${bars}</g>
    </svg>
    <${Legend} series=${series} />
  </figure>`;
}

/** A line per series over the labels; a null value breaks the line (nothing to show that day). */
export function Lines({ title, labels, series, max: top, unit = '' }) {
  const values = series.flatMap((s) => s.values.filter((v) => v !== null && v !== undefined));
  const max = top || niceMax(Math.max(0, ...values));
  const band = (W - PAD.left - PAD.right) / Math.max(labels.length, 1);
  const inner = H - PAD.top - PAD.bottom;
  const at = (j, v) => [PAD.left + band * (j + 0.5), PAD.top + inner * (1 - v / max)];
  return html`<figure class="chart">
    <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${`${title} (the numbers are in the table)`}>
      <title>${title}</title>
      <${Axes} max=${max} labels=${labels} band=${band} unit=${unit} />
      ${series.map((s, i) => {
    const runs = [[]]; // stretches without a gap
    s.values.forEach((v, j) => {
      if (v === null || v === undefined) runs.push([]);
      else runs[runs.length - 1].push(at(j, v).join(','));
    });
    return html`<g key=${s.name} class=${`line s${i % 8}`}>
        ${runs.filter((r) => r.length > 1).map((r, k) => html`<polyline key=${k} points=${r.join(' ')} />`)}
        ${s.values.map((v, j) => (v === null || v === undefined ? null : html`<circle key=${j}
          cx=${at(j, v)[0]} cy=${at(j, v)[1]} r="4"><title>${labels[j]}, ${s.name}: ${fmt(v)}${unit}</title></circle>`))}
      </g>`;
  })}
    </svg>
    <${Legend} series=${series} />
  </figure>`;
}
