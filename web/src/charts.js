// Charts for the dashboards: uPlot (npm, bundled by esbuild like MapLibre,
// so the page fetches nothing from outside) drawing categories (years,
// zones) as bars and lines on a canvas, with axis values and the legend in
// the page's language, and a PNG of a chart for the download buttons.
//
// uPlot sets its styles through the CSSOM (el.style), which the page's
// Content-Security-Policy allows; its stylesheet goes into the app's CSS
// bundle.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { h } from './dom.js';
import { getLang, num } from './i18n.js';

// categoryChart draws into el one chart over labels (the categories, left
// to right) of series, each {label, values (one per label, null for none),
// kind: 'bar' | 'line', color, align (-1, 0, 1: a bar left of, on or right
// of its category, for two bar series side by side), dash (a dashed line
// without points)}. unit is written
// after the values of the legend ('ha', '%'); digits is the decimals
// shown. rotate turns long category labels. It returns the uPlot chart.
export function categoryChart(el, { labels, series, width = 310, height = 200, unit = '', digits = 1, rotate = 0 }) {
  const xs = labels.map((_, i) => i);
  const fmt = (v) => (v == null ? '–' : num(v, digits) + (unit ? ' ' + unit : ''));
  // Large values on the axis in the language's short form (40 Tr, 40M).
  const compact = new Intl.NumberFormat(getLang() === 'vi' ? 'vi-VN' : 'en-GB', { notation: 'compact', maximumFractionDigits: 1 });
  const axisValue = (v) => (Math.abs(v) >= 10000 ? compact.format(v) : num(v, 1));
  // Every step-th category is labelled, as many as fit.
  const step = Math.max(1, Math.ceil(labels.length / Math.max(1, Math.floor((width - 60) / (rotate ? 14 : 36)))));
  const short = (s) => (s.length > 12 ? s.slice(0, 11) + '…' : s);
  const bars = (align, size) => uPlot.paths.bars({ size: [size, 40], align });
  const opts = {
    width,
    height,
    pxAlign: 1,
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    legend: { show: true, live: false },
    scales: { x: { time: false, range: [-0.5, Math.max(0.5, labels.length - 0.5)] }, y: { range: (u, min, max) => [0, niceMax(max)] } },
    axes: [
      {
        splits: () => xs,
        values: (u, splits) => splits.map((i) => (i % step === 0 ? short(labels[i] ?? '') : '')),
        rotate,
        size: rotate ? 85 : 30,
        gap: 3,
        grid: { show: false },
        font: '11px system-ui, sans-serif',
      },
      {
        values: (u, splits) => splits.map(axisValue),
        size: 50,
        font: '11px system-ui, sans-serif',
        grid: { stroke: '#e5e7eb', width: 1 },
      },
    ],
    series: [
      { label: '' },
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        fill: s.kind === 'bar' ? s.color : undefined,
        width: s.kind === 'bar' ? 0 : 2,
        dash: s.dash,
        points: { show: s.kind !== 'bar' && !s.dash, size: 5, fill: s.color },
        paths: s.kind === 'bar' ? bars(s.align || 0, s.align ? 0.4 : 0.65) : undefined,
        spanGaps: false,
        value: (u, v) => fmt(v),
      })),
    ],
  };
  const data = [xs, ...series.map((s) => s.values.map((v) => (v == null ? null : v)))];
  return new uPlot(opts, data, el);
}

// niceMax is a round top for a scale up to max (1, 2 or 5 times a power of
// ten), so that the axis' values are round and a series at 0 still has a
// scale.
function niceMax(max) {
  if (!Number.isFinite(max) || max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (max <= m * p) return m * p;
  return 10 * p;
}

// chartPNG is a PNG of chart u (as a data: URL) on a white background,
// titled, with its legend: what the chart shows, as one image.
export function chartPNG(u, title) {
  const src = u.ctx.canvas;
  const ratio = src.width / Math.max(1, u.width);
  const series = u.series.slice(1);
  const titleH = 26 * ratio;
  const legendH = 18 * ratio * series.length + 8 * ratio;
  const c = document.createElement('canvas');
  c.width = src.width + 16 * ratio;
  c.height = src.height + titleH + legendH;
  const g = c.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, c.width, c.height);
  g.fillStyle = '#1f2937';
  g.font = `600 ${13 * ratio}px system-ui, sans-serif`;
  g.textBaseline = 'middle';
  g.fillText(title, 8 * ratio, titleH / 2);
  g.drawImage(src, 8 * ratio, titleH);
  g.font = `${11 * ratio}px system-ui, sans-serif`;
  series.forEach((s, i) => {
    const y = titleH + src.height + 4 * ratio + i * 18 * ratio + 9 * ratio;
    g.fillStyle = typeof s.stroke === 'function' ? s.stroke(u, i + 1) : s.stroke;
    g.fillRect(8 * ratio, y - 5 * ratio, 10 * ratio, 10 * ratio);
    g.fillStyle = '#1f2937';
    g.fillText(s.label, 24 * ratio, y);
  });
  return c.toDataURL('image/png');
}

// pngButton is a download link for chart() (called when clicked, so the
// image is of the chart as drawn then) named file.png.
export function pngButton(id, label, chart, title, file) {
  const a = h('a', { class: 'button png', id, href: '#', download: file + '.png' }, label);
  a.addEventListener('click', (e) => {
    const u = chart();
    if (u) a.href = chartPNG(u, title);
    else e.preventDefault(); // '#' would move the map (its view is the URL fragment)
  });
  return a;
}
