import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { Layout, layoutFor } from './layout';

export interface Size {
  width: number;
  height: number;
}

export interface Bar {
  label: string;
  value: number;
}

export interface Line {
  label: string;
  points: Array<[number, number]>; // [unix ms, calls per second]
}

const FONT = 'DejaVu Sans, sans-serif';

/** ECharts' server-side SVG renderer: no DOM, no canvas, the same charts a browser would draw. */
function renderSvg(option: echarts.EChartsCoreOption, size: Size, utc = true): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({
      animation: false,
      // Local time on the time axis unless --utc: the axis' name says which.
      useUTC: utc,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: FONT },
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** The title, wrapped to the image, at the top. */
function titleOf(l: Layout): object {
  return {
    text: l.title,
    left: 'center',
    top: 10,
    textStyle: { fontSize: l.titleSize, lineHeight: l.titleSize * 1.3 },
  };
}

export function barChartSvg(title: string, bars: Bar[], size: Size, log = false): string {
  const rows = [...bars].reverse(); // ECharts draws the first category at the bottom
  const l = layoutFor(title, size);
  return renderSvg(
    {
      title: titleOf(l),
      // Room on the right for the value labels past the longest bar.
      grid: { left: 20, right: 60, top: l.top, bottom: 20 + 2 * l.labelSize, containLabel: true },
      xAxis: {
        type: log ? 'log' : 'value',
        name: log ? 'calls (log scale)' : 'calls',
        nameLocation: 'middle',
        nameGap: 10 + 1.5 * l.labelSize,
        nameTextStyle: { fontSize: l.labelSize },
        splitNumber: Math.min(5, l.ticks),
        axisLabel: { fontSize: l.labelSize, hideOverlap: true, formatter: (v: number) => compact(v) },
      },
      yAxis: { type: 'category', data: rows.map((b) => b.label), axisLabel: { fontSize: l.labelSize } },
      series: [
        {
          type: 'bar',
          data: rows.map((b) => b.value),
          label: {
            show: true,
            position: 'right',
            fontSize: l.labelSize,
            formatter: (p: { value: number }) => compact(p.value),
          },
        },
      ],
    },
    size,
  );
}

/** Calls per latency bucket, shortest first (log2 buckets: each twice as wide as the one before). */
export function histogramSvg(title: string, buckets: Bar[], size: Size): string {
  const l = layoutFor(title, size);
  // Rotated bucket labels ("512ns–1.02µs") reach about 0.6 em per character times sin 30°, below the axis.
  const labelDrop = Math.ceil(Math.max(0, ...buckets.map((b) => b.label.length)) * l.labelSize * 0.6 * 0.5);
  return renderSvg(
    {
      title: titleOf(l),
      // containLabel: the value labels (12.5K) and the rotated bucket labels stay inside the image.
      grid: { left: 10, right: 20, top: l.top, bottom: 2 * l.labelSize + 10, containLabel: true },
      xAxis: {
        type: 'category',
        name: 'time in the call',
        nameLocation: 'middle',
        nameGap: labelDrop + l.labelSize + 6,
        nameTextStyle: { fontSize: l.labelSize },
        data: buckets.map((b) => b.label),
        axisLabel: { rotate: 30, fontSize: l.labelSize, hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        name: 'calls',
        nameTextStyle: { fontSize: l.labelSize, align: 'left' },
        axisLabel: { fontSize: l.labelSize, formatter: (v: number) => compact(v) },
      },
      series: [
        {
          type: 'bar',
          data: buckets.map((b) => b.value),
          label: {
            show: true,
            position: 'top',
            fontSize: l.labelSize,
            formatter: (p: { value: number }) => compact(p.value),
          },
        },
      ],
    },
    size,
  );
}

/** Lines over time; the time axis is named with its zone ("time (UTC+01:00)"). */
export function seriesChartSvg(title: string, lines: Line[], size: Size, time: { zone: string; utc: boolean }): string {
  const l = layoutFor(title, size);
  return renderSvg(
    {
      title: titleOf(l),
      legend: { type: 'scroll', bottom: 0, textStyle: { fontSize: l.labelSize } },
      grid: { left: 20, right: 40, top: l.top, bottom: 20 + 4 * l.labelSize, containLabel: true },
      xAxis: {
        type: 'time',
        name: `time (${time.zone})`,
        nameLocation: 'middle',
        nameGap: 8 + 1.5 * l.labelSize,
        nameTextStyle: { fontSize: l.labelSize },
        splitNumber: l.ticks,
        axisLabel: { fontSize: l.labelSize, hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        name: 'calls/s',
        nameTextStyle: { fontSize: l.labelSize, align: 'left' },
        axisLabel: { fontSize: l.labelSize, formatter: (v: number) => compact(v) },
      },
      series: lines.map((line) => ({ type: 'line', name: line.label, showSymbol: false, data: line.points })),
    },
    size,
    time.utc,
  );
}

/** PNG of an SVG at its own size, rendered by resvg (a prebuilt binary from npm; text uses the system fonts). */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

function compact(v: number): string {
  return Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(v);
}
