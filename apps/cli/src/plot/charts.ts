import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';

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
function renderSvg(option: echarts.EChartsCoreOption, size: Size): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({
      animation: false,
      useUTC: true,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: FONT },
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function barChartSvg(title: string, bars: Bar[], size: Size, log = false): string {
  const rows = [...bars].reverse(); // ECharts draws the first category at the bottom
  return renderSvg(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 30, right: 70, top: 40, bottom: 40, containLabel: true },
      xAxis: {
        type: log ? 'log' : 'value',
        name: log ? 'calls (log scale)' : 'calls',
        nameLocation: 'middle',
        nameGap: 28,
        axisLabel: { formatter: (v: number) => compact(v) },
      },
      yAxis: { type: 'category', data: rows.map((b) => b.label) },
      series: [
        {
          type: 'bar',
          data: rows.map((b) => b.value),
          label: { show: true, position: 'right', formatter: (p: { value: number }) => compact(p.value) },
        },
      ],
    },
    size,
  );
}

/** Calls per latency bucket, shortest first (log2 buckets: each twice as wide as the one before). */
export function histogramSvg(title: string, buckets: Bar[], size: Size): string {
  return renderSvg(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 30, right: 30, top: 40, bottom: 40, containLabel: true },
      xAxis: {
        type: 'category',
        name: 'time in the call',
        nameLocation: 'middle',
        nameGap: 40,
        data: buckets.map((b) => b.label),
        axisLabel: { rotate: 30 },
      },
      yAxis: { type: 'value', name: 'calls', axisLabel: { formatter: (v: number) => compact(v) } },
      series: [
        {
          type: 'bar',
          data: buckets.map((b) => b.value),
          label: { show: true, position: 'top', formatter: (p: { value: number }) => compact(p.value) },
        },
      ],
    },
    size,
  );
}

export function seriesChartSvg(title: string, lines: Line[], size: Size): string {
  return renderSvg(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
      legend: { bottom: 0 },
      grid: { left: 20, right: 40, top: 40, bottom: 40, containLabel: true },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: 'calls/s', axisLabel: { formatter: (v: number) => compact(v) } },
      series: lines.map((l) => ({ type: 'line', name: l.label, showSymbol: false, data: l.points })),
    },
    size,
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
