// Turns the lab API's metric series into what the chart draws. No React, no DOM: tested alone.
import type { MetricsAnswer } from '../../lib/lab-api.ts';

/** uPlot's aligned data: x values (epoch seconds), then one row of y values per series, null where a series has no point. */
export type AlignedData = [number[], ...(number | null)[][]];

/** Puts every series on the union of their timestamps, oldest first. */
export function alignSeries(answer: MetricsAnswer): AlignedData {
  const times = [...new Set(answer.series.flatMap((s) => s.timestamps))].sort((a, b) => a - b);
  const index = new Map(times.map((time, i) => [time, i]));
  const rows = answer.series.map((s) => {
    const row: (number | null)[] = times.map(() => null);
    for (const [j, time] of s.timestamps.entries()) row[index.get(time)!] = s.values[j];
    return row;
  });
  return [times.map((t) => t / 1000), ...rows];
}

/** The latest value of each series (undefined when it has none), for the legend and for tests. */
export function latestValues(answer: MetricsAnswer): (number | undefined)[] {
  return answer.series.map((s) => s.values.at(-1));
}

/** Colours that stay apart on light and dark backgrounds, one per series in order. */
export const SERIES_COLOURS = ['#2e8555', '#e8590c', '#1c7ed6', '#c2255c', '#7048e8', '#2b8a3e', '#f08c00', '#0b7285'];
