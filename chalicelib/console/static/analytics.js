// Analytics #/analytics/from=…&to=…&group_by=…: GET /analytics and /analytics/cost as charts, each with its
// numbers as a table and a CSV download of exactly that table. Loaded on demand (app.js imports it when the
// screen is opened): it stays out of the console's first load.
import { all, api } from './api.js';
import { Bars, Lines } from './chart.js';
import { Loading, Problem, addDays, announce, dayTime, html, useEffect, useState } from './ui.js';

const BY = { day: 'Day', week: 'Week', channel: 'Channel', location: 'Location', technician: 'Technician' };
const PERIODS = ['day', 'week'];
const SPLITS = ['channel', 'location', 'technician']; // a day or week split by one of these (GET /analytics?split=)
const STATUSES = ['held', 'suppressed', 'sent', 'delivered', 'failed', 'unknown'];
const DEFAULT_DAYS = 7;

const words = (key) => key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, ' ');
const percent = (rate) => (rate === null || rate === undefined ? null : Math.round(rate * 10000) / 100);

/** What the hash asks for: `from`, `to`, `group_by` (missing ones: the defaults, once today is known). */
function asked(arg) {
  const q = new URLSearchParams(arg || '');
  const groupBy = BY[q.get('group_by')] ? q.get('group_by') : 'day';
  const split = PERIODS.includes(groupBy) && SPLITS.includes(q.get('split')) ? q.get('split') : '';
  return { from: q.get('from'), to: q.get('to'), group_by: groupBy, split };
}
const hashOf = ({ split, ...r }) => `#/analytics/${new URLSearchParams(split ? { ...r, split } : r).toString()}`;

// -- CSV --------------------------------------------------------------------------------------------------

const cell = (v) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export const csvOf = (columns, rows) => [columns, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';

function download(name, columns, rows) {
  const url = URL.createObjectURL(new Blob([csvOf(columns, rows)], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  announce(`Downloaded ${name}`);
}

// -- the figures: each a table (columns, rows) and the chart drawn from the same rows ----------------------

/** The row label of a group: days and weeks as the API writes them; people and places by name. */
function labelOf(dimension, group, places) {
  if (dimension === 'technician') return group.name || (group.key === 'unassigned' ? 'Unassigned' : group.key);
  if (dimension === 'location') return group.key === 'none' ? 'No location' : (places[group.key] || group.key);
  return group.key;
}

/** A short axis label: "Dec 1" for a day, "W49" for a week, else the row's label. */
function tick(groupBy, label) {
  if (groupBy === 'day') {
    const [y, m, d] = label.split('-').map(Number);
    return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric' })
      .format(Date.UTC(y, m - 1, d));
  }
  if (groupBy === 'week') return label.slice(5);
  return label.length > 14 ? `${label.slice(0, 13)}…` : label;
}

const keysOf = (objects) => [...new Set(objects.flatMap((o) => Object.keys(o)))].sort();

/** Rows of the groups, then a Total row, for the columns `values(group)` gives. */
function perGroup(report, labels, values) {
  return [...report.groups.map((g, i) => [labels[i], ...values(g)]), ['Total', ...values(report.total)]];
}

/** A chart's series from table columns (by index), over the group rows (the Total row left out). */
function seriesOf(columns, rows, indexes) {
  const body = rows.slice(0, -1);
  return indexes.map((i) => ({ name: columns[i], values: body.map((r) => r[i]) }));
}

const sentOf = (g) => Object.values(g.texts).reduce((n, statuses) => n + (statuses.sent || 0), 0);

/** With a split: a few figures by group and by each value of the split (a column each, then all of them). */
function splitFigures(report, labels, ticks, places) {
  const by = report.group_by;
  const head = BY[by];
  const part = BY[report.split].toLowerCase();
  const named = report.total.split.map((p) => [p.key, labelOf(report.split, p, places)])
    .sort((a, b) => a[1].localeCompare(b[1])); // columns by name: people and places, not their ids
  const values = named.map(([key]) => key);
  const names = named.map(([, name]) => name);
  const rowsOf = (figure) => perGroup(report, labels, (g) => {
    const parts = Object.fromEntries(g.split.map((p) => [p.key, p]));
    return [...values.map((v) => (parts[v] ? figure(parts[v]) : figure(null))), figure(g)];
  });
  const made = [
    ['sent', 'Texts sent', (p) => (p ? sentOf(p) : 0), true, ''],
    ['booked', 'Appointments booked', (p) => (p ? p.appointments : 0), true, ''],
    ['confirmation', 'Confirmation rate (%)', (p) => (p ? percent(p.confirmation_rate) : null), false, '%'],
  ];
  return made.map(([id, what, figure, stacked, unit]) => {
    const columns = [head, ...names, `All ${part}s`];
    const rows = rowsOf(figure);
    const Chart = stacked ? Bars : Lines;
    return { id: `split-${id}`, title: `${what} by ${head.toLowerCase()} and ${part}`, columns, rows,
      chart: html`<${Chart} title=${`${what} by ${head.toLowerCase()}, ${stacked ? 'stacked' : 'a line'} by ${part}`}
        stacked=${stacked} max=${unit ? 100 : undefined} unit=${unit} labels=${ticks}
        series=${seriesOf(columns, rows, names.map((_, i) => i + 1))} />` };
  });
}

export function figures(report, cost, places) {
  const by = report.group_by;
  const head = BY[by];
  const labels = report.groups.map((g) => labelOf(by, g, places));
  const ticks = labels.map((l) => tick(by, l));
  const range = `${report.from}_${report.to}_${by}${report.split ? `_${report.split}` : ''}`;
  const out = [];

  const t = report.total.texts;
  const statuses = STATUSES.filter((s) => Object.values(t).some((x) => x[s]));
  const scenarios = Object.keys(t).sort();
  {
    const columns = ['Scenario', ...statuses.map(words)];
    const rows = scenarios.map((sc) => [words(sc), ...statuses.map((s) => t[sc][s] || 0)]);
    out.push({ id: 'texts-by-status', title: 'Texts by scenario and status', columns, rows,
      note: 'Over the whole range. A text counts once in each status it entered (held, then sent, then delivered).',
      chart: html`<${Bars} title="Texts by scenario and status, stacked" stacked labels=${rows.map((r) => r[0])}
        series=${statuses.map((s, i) => ({ name: words(s), values: rows.map((r) => r[i + 1]) }))} />` });
  }
  {
    const columns = [head, ...scenarios.map(words), 'SMS segments'];
    const rows = perGroup(report, labels, (g) => [...scenarios.map((sc) => (g.texts[sc] || {}).sent || 0), g.segments]);
    out.push({ id: 'texts-sent', title: `Texts sent by ${head.toLowerCase()} and scenario`, columns, rows,
      chart: html`<${Bars} title=${`Texts sent by ${head.toLowerCase()}, stacked by scenario`} stacked labels=${ticks}
        series=${seriesOf(columns, rows, scenarios.map((_, i) => i + 1))} />` });
  }
  {
    const columns = [head, 'Asked', 'Replied', 'Reply rate (%)', 'Confirmed', 'Confirmation rate (%)',
      'Time to confirm (min)'];
    const rows = perGroup(report, labels, (g) => [g.asked, g.replied, percent(g.reply_rate), g.confirmed,
      percent(g.confirmation_rate), g.time_to_confirm_minutes]);
    out.push({ id: 'rates', title: 'Reply rate and confirmation rate', columns, rows,
      note: 'Of the appointments sent a text that asks for a reply (booking confirmation, reminder).',
      chart: html`<${Lines} title=${`Reply rate and confirmation rate by ${head.toLowerCase()}`} labels=${ticks}
        max=${100} unit="%" series=${seriesOf(columns, rows, [3, 5])} />` });
  }
  {
    const outcomes = keysOf([report.total.escalation_outcomes]);
    const columns = [head, 'Escalations', ...outcomes.map((o) => `Closed: ${words(o)}`)];
    const rows = perGroup(report, labels, (g) => [g.escalations, ...outcomes.map((o) => g.escalation_outcomes[o] || 0)]);
    out.push({ id: 'escalations', title: "Escalations and the chain's outcomes", columns, rows,
      note: 'Escalation calls opened, and how those closed in the range ended.',
      chart: html`<${Bars} title=${`Escalations and outcomes by ${head.toLowerCase()}`} labels=${ticks}
        series=${seriesOf(columns, rows, columns.slice(1).map((_, i) => i + 1))} />` });
  }
  {
    const reasons = keysOf([report.total.rejections]);
    const columns = [head, ...reasons.map(words), 'All rejections'];
    const rows = perGroup(report, labels, (g) => {
      const n = reasons.map((r) => g.rejections[r] || 0);
      return [...n, n.reduce((a, b) => a + b, 0)];
    });
    out.push({ id: 'rejections', title: 'Rejections by reason category', columns, rows,
      chart: html`<${Bars} title=${`Rejections by ${head.toLowerCase()}, stacked by reason category`} stacked
        labels=${ticks} series=${seriesOf(columns, rows, reasons.map((_, i) => i + 1))} />` });
  }
  {
    const columns = [head, 'Appointments booked', 'Auto-cancels', 'No-shows'];
    const rows = perGroup(report, labels, (g) => [g.appointments, g.auto_cancels, g.no_shows]);
    out.push({ id: 'cancels', title: 'Auto-cancels and no-shows', columns, rows,
      note: 'Auto-cancel: no technician was available. No-show: not started by the end of its window.',
      chart: html`<${Bars} title=${`Appointments, auto-cancels and no-shows by ${head.toLowerCase()}`} labels=${ticks}
        series=${seriesOf(columns, rows, [1, 2, 3])} />` });
  }
  {
    const columns = [head, 'Feedback received', 'Average rating (1-5)'];
    const rows = perGroup(report, labels, (g) => [g.feedback.count, g.feedback.average]);
    out.push({ id: 'feedback', title: 'Feedback', columns, rows, comments: true,
      chart: html`<div class="chart-pair"><${Bars} title=${`Feedback received by ${head.toLowerCase()}`} labels=${ticks}
        series=${seriesOf(columns, rows, [1])} />
        <${Lines} title=${`Average rating by ${head.toLowerCase()}`} labels=${ticks} max=${5}
        series=${seriesOf(columns, rows, [2])} /></div>` });
  }
  if (cost) {
    const b = cost.breakdown;
    const columns = ['Part', 'Use per 1,000 appointments', 'USD per 1,000 appointments'];
    const rows = [
      ['SMS', `${b.sms.segments} segments`, b.sms.usd],
      ['DynamoDB', `${b.dynamodb.write_request_units} write + ${b.dynamodb.read_request_units} read request units`,
        b.dynamodb.usd],
      ['Lambda', `${b.lambda.invocations} invocations (${b.lambda.assumed_ms_per_invocation} ms each, assumed)`,
        b.lambda.usd],
      ['Total', '', cost.per_1000_appointments_usd],
    ];
    out.push({ id: 'cost', title: 'Cost per 1,000 appointments', columns, rows,
      note: `$${cost.per_1000_appointments_usd} per 1,000 appointments at AWS prices as of ${cost.prices_as_of}; `
        + `SMS from ${cost.basis.sms_from} (${cost.basis.appointments} appointments, ${cost.basis.segments} segments `
        + `in the range). Fixed besides: $${b.fixed_per_month.usd} a month, ${b.fixed_per_month.note}.`,
      chart: html`<${Bars} title="Cost per 1,000 appointments by part, in USD" labels=${rows.slice(0, -1).map((r) => r[0])}
        series=${[{ name: 'USD per 1,000 appointments', values: rows.slice(0, -1).map((r) => r[2]) }]} unit="" />` });
  }
  if (report.split) out.splice(2, 0, ...splitFigures(report, labels, ticks, places)); // what was asked for, early
  return out.map((f) => ({ ...f, totalled: f.id !== 'texts-by-status', file: `onmyway-${f.id}_${range}.csv` }));
}

// -- the screen -------------------------------------------------------------------------------------------

const shown = (v) => (v === null || v === undefined || v === '' ? '–' : String(v));

function Figure({ f, comments }) {
  const headingId = `fig-${f.id}-title`;
  return html`<section class="figure" id=${`fig-${f.id}`} aria-labelledby=${headingId}>
    <h2 id=${headingId}>${f.title}</h2>
    ${f.note && html`<p class="muted">${f.note}</p>`}
    <div class=${f.columns.length > 4 ? 'figure-body wide' : 'figure-body'}>
      ${f.chart}
      <div class="figure-table">
        <table>
          <caption class="visually-hidden">${f.title}: the numbers</caption>
          <thead><tr>${f.columns.map((c) => html`<th scope="col" key=${c}>${c}</th>`)}</tr></thead>
          <tbody>${f.rows.map((r, j) => html`<tr key=${r[0]}
    class=${f.totalled && j === f.rows.length - 1 ? 'total' : undefined}>${r.map((v, i) => (i === 0
    ? html`<th scope="row" key=${i}>${shown(v)}</th>` : html`<td key=${i}>${shown(v)}</td>`))}</tr>`)}</tbody>
        </table>
        ${f.rows.length === 0 && html`<p class="muted">Nothing counted in this range.</p>`}
        <button type="button" class="small" onClick=${() => download(f.file, f.columns, f.rows)}>
          Download CSV<span class="visually-hidden"> of ${f.title}</span></button>
      </div>
    </div>
    ${f.comments && html`<${Comments} items=${comments} />`}
  </section>`;
}

function Comments({ items }) {
  if (!items) return html`<${Loading} what="the latest comments" />`;
  return html`<h3>Latest comments</h3>
    ${items.length === 0 ? html`<p class="muted">No comments in this range.</p>`
    : html`<ul class="comments">${items.map((c) => html`<li key=${c.job_id + c.created_at}>
      <span class="rating">${c.rating} of 5</span> “${c.comment}” <span class="muted">${dayTime(c.created_at)} ·
      <a href=${`#/job/${encodeURIComponent(c.job_id)}`}>the job</a></span></li>`)}</ul>`}`;
}

function RangeForm({ range, onShow }) {
  const [draft, setDraft] = useState(range);
  useEffect(() => setDraft(range), [range.from, range.to, range.group_by, range.split]);
  const set = (k) => (e) => setDraft({ ...draft, [k]: e.target.value });
  // A split is of days or weeks only (GET /analytics refuses it with another grouping).
  const show = () => onShow(PERIODS.includes(draft.group_by) ? draft : { ...draft, split: '' });
  return html`<form class="range" onSubmit=${(e) => { e.preventDefault(); show(); }}>
    <span><label for="range-from">From</label>
      <input id="range-from" type="date" name="from" value=${draft.from} onInput=${set('from')} required /></span>
    <span><label for="range-to">To</label>
      <input id="range-to" type="date" name="to" value=${draft.to} onInput=${set('to')} required /></span>
    <span><label for="range-by">Group by</label>
      <select id="range-by" name="group_by" value=${draft.group_by} onChange=${set('group_by')}>
      ${Object.entries(BY).map(([k, v]) => html`<option key=${k} value=${k}>${v}</option>`)}</select></span>
    ${PERIODS.includes(draft.group_by) && html`<span><label for="range-split">Split by</label>
      <select id="range-split" name="split" value=${draft.split} onChange=${set('split')}>
      <option value="">Nothing</option>
      ${SPLITS.map((k) => html`<option key=${k} value=${k}>${BY[k]}</option>`)}</select></span>`}
    <button type="submit" class="primary">Show</button>
  </form>`;
}

export function Analytics({ arg }) {
  const want = asked(arg);
  const [data, setData] = useState(null);
  const [comments, setComments] = useState(null);
  const [error, setError] = useState(null);
  const key = `${want.from}|${want.to}|${want.group_by}|${want.split}`;

  async function load() {
    setError(null);
    setData(null);
    setComments(null);
    try {
      if (!want.from || !want.to) { // the organization's today: the API's default range ends there
        const { to } = await api('GET', '/analytics?group_by=week');
        location.replace(hashOf({ ...want, from: addDays(to, 1 - DEFAULT_DAYS), to }));
        return;
      }
      const q = `from=${want.from}&to=${want.to}`;
      const [report, cost, places] = await Promise.all([
        api('GET', `/analytics?${q}&group_by=${want.group_by}${want.split ? `&split=${want.split}` : ''}`),
        api('GET', `/analytics/cost?${q}`),
        [want.group_by, want.split].includes('location') ? all('/settings/locations?limit=100') : Promise.resolve([]),
      ]);
      const names = Object.fromEntries(places.map((p) => [p.id, p.name]));
      setData({ report, cost, figures: figures(report, cost, names) });
      all(`/feedback?${q}&limit=100`).then(
        (items) => setComments(items.filter((i) => i.comment).reverse().slice(0, 5)), () => setComments([]));
    } catch (e) {
      setError(e);
    }
  }
  useEffect(() => { load(); }, [key]);

  return html`<h1 tabindex="-1">Analytics</h1>
    <p class="muted">How the texts did and what they cost: days in the organization's time zone, both ends included.</p>
    ${want.from && want.to && html`<${RangeForm} range=${want} onShow=${(r) => { location.hash = hashOf(r); }} />`}
    <${Problem} error=${error} retry=${load} />
    ${!data && !error && html`<${Loading} what="the analytics" />`}
    ${data && html`<p class="range-said">${`${data.report.from} to ${data.report.to}, by ${BY[data.report.group_by]
    .toLowerCase()}${data.report.split ? ` and ${data.report.split}` : ''}: ${data.report.total.appointments} appointments booked.`}</p>
      ${data.figures.map((f) => html`<${Figure} key=${f.id} f=${f} comments=${comments} />`)}`}`;
}
