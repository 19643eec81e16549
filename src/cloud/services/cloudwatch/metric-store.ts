/** One metric: a namespace, a name and its dimensions, with its datapoints. */
interface Series {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  unit?: string;
  points: { time: number; value: number }[];
}

export type Statistic = 'Sum' | 'Average' | 'Minimum' | 'Maximum' | 'SampleCount';
export const STATISTICS: Statistic[] = ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'];

/** How long datapoints are kept: the labs look at the last minutes, not weeks. */
const RETENTION_MS = 3 * 60 * 60_000;

function key(namespace: string, name: string, dimensions: Record<string, string>): string {
  return `${namespace}|${name}|${Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;
}

/** The datapoints of every metric the local cloud records or is given. */
export class MetricStore {
  private readonly series = new Map<string, Series>();

  add(namespace: string, name: string, dimensions: Record<string, string>, value: number, time = Date.now(), unit?: string): void {
    const k = key(namespace, name, dimensions);
    let series = this.series.get(k);
    if (!series) {
      series = { namespace, name, dimensions, unit, points: [] };
      this.series.set(k, series);
    }
    series.points.push({ time, value });
    const cutoff = Date.now() - RETENTION_MS;
    while (series.points.length > 0 && series.points[0].time < cutoff) series.points.shift();
  }

  list(filter: { namespace?: string; name?: string; dimensions?: { Name: string; Value?: string }[] }) {
    return [...this.series.values()].filter(
      (s) =>
        (!filter.namespace || s.namespace === filter.namespace) &&
        (!filter.name || s.name === filter.name) &&
        (filter.dimensions ?? []).every(
          (d) => s.dimensions[d.Name] !== undefined && (d.Value === undefined || s.dimensions[d.Name] === d.Value),
        ),
    );
  }

  /** One value per period between start and end (periods without data are left out), newest first. */
  statistics(
    namespace: string,
    name: string,
    dimensions: Record<string, string>,
    start: number,
    end: number,
    periodSeconds: number,
    stat: Statistic,
  ) {
    const points = this.series.get(key(namespace, name, dimensions))?.points ?? [];
    const period = periodSeconds * 1000;
    const buckets = new Map<number, number[]>();
    for (const p of points) {
      if (p.time < start || p.time >= end) continue;
      const bucket = start + Math.floor((p.time - start) / period) * period;
      (buckets.get(bucket) ?? buckets.set(bucket, []).get(bucket)!).push(p.value);
    }
    return [...buckets.entries()]
      .sort(([a], [b]) => b - a)
      .map(([time, values]) => ({ time, value: aggregate(values, stat), sampleCount: values.length }));
  }

  clear(): void {
    this.series.clear();
  }
}

export function aggregate(values: number[], stat: Statistic): number {
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'SampleCount':
      return values.length;
  }
}
