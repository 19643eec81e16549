import { useEffect, useRef, useState } from 'react';
import 'uplot/dist/uPlot.min.css';
import CliCommand from '@site/src/components/CliCommand';
import LabPanel from '@site/src/components/LabPanel';
import { LabApiError, labMetrics, type MetricSeriesRequest, type MetricsAnswer } from '@site/src/lib/lab-api';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import type uPlot from 'uplot';
import { alignSeries, latestValues, SERIES_COLOURS } from './metrics.utils';
import styles from './styles.module.css';

type Props = {
  /** The lab whose resources the chart shows. */
  lab: string;
  /** One line per entry: a CloudWatch metric of a resource named by one of the lab stack's outputs. */
  series: MetricSeriesRequest[];
  title?: string;
  /** Seconds per datapoint. AWS's service metrics come a minute apart: there, at least 60. */
  period?: number;
  /** How far back the chart reaches, in minutes. */
  minutes?: number;
  /** How often the chart asks for new data, in seconds. */
  refresh?: number;
  /** A command that prints the same numbers in a terminal, shown when the page has no lab API. */
  cli?: string;
  /** Height of the plot in pixels. */
  height?: number;
};

/**
 * A live chart of CloudWatch metrics of a lab's resources (queue depth, messages in flight,
 * dead letters, age of the oldest message, function errors…), read through the lab API with
 * GetMetricData: the same call works on AWS, where the metrics are AWS's own. For example:
 *
 *   <Metrics lab="lab-2" cli="npx workshop run lab-2 queue-depths" series={[
 *     { output: 'CustomerAccountingServiceQueueUrl', metric: 'ApproximateNumberOfMessagesVisible', label: 'waiting' },
 *     { output: 'CustomerAccountingFunctionName', namespace: 'AWS/Lambda', metric: 'Errors', stat: 'Sum' },
 *   ]} />
 */
export default function Metrics({ lab, series, title = 'Live metrics', period = 5, minutes = 5, refresh = 2, cli, height = 220 }: Props) {
  const mode = useLabApiMode();
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const [answer, setAnswer] = useState<MetricsAnswer>();
  const [problem, setProblem] = useState<string>();
  // Not deployed yet is where every lab starts, not a failure: said plainly, not as an error.
  const [notDeployed, setNotDeployed] = useState<string>();
  const request = JSON.stringify({ series, periodSeconds: period, minutes });

  // Asks for the metrics every `refresh` seconds while the page is visible.
  useEffect(() => {
    if (mode !== 'live') return;
    let current = true;
    const load = async () => {
      if (document.visibilityState === 'hidden') return;
      try {
        const next = await labMetrics(lab, JSON.parse(request));
        if (current) {
          setAnswer(next);
          setProblem(undefined);
          setNotDeployed(undefined);
        }
      } catch (error) {
        if (!current) return;
        const undeployed = error instanceof LabApiError && error.code === 'NotDeployed';
        // Destroyed meanwhile: its last figures are no longer the lab's.
        if (undeployed) setAnswer(undefined);
        setProblem(undeployed ? undefined : (error as Error).message);
        setNotDeployed(undeployed ? (error as Error).message : undefined);
      }
    };
    void load();
    const timer = setInterval(load, refresh * 1000);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [mode, lab, request, refresh]);

  // uPlot (a chunk of its own) loads once the chart is about to scroll into view, not with the page.
  const [inView, setInView] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart's container is rendered once the mode is known, so the effect runs again then
  useEffect(() => {
    const element = container.current;
    if (!element || inView) return;
    const watcher = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setInView(true), {
      rootMargin: '300px',
    });
    watcher.observe(element);
    return () => watcher.disconnect();
  }, [inView, mode]);

  // Draws with uPlot, loaded in the browser only (it needs a DOM), and redraws on new data.
  useEffect(() => {
    // No answer (the lab was destroyed meanwhile, say): no lines of a stack that is gone.
    if (!answer) {
      plot.current?.destroy();
      plot.current = undefined;
    }
    if (!answer || !inView || !container.current) return;
    const data = alignSeries(answer) as uPlot.AlignedData;
    if (plot.current) {
      plot.current.setData(data);
      return;
    }
    let cancelled = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled || !container.current) return;
      const options: uPlot.Options = {
        width: container.current.clientWidth || 600,
        height,
        scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(1, max ?? 0, min ?? 0)] } },
        axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor' }],
        series: [
          {},
          ...answer.series.map((s, i) => ({ label: s.label, stroke: SERIES_COLOURS[i % SERIES_COLOURS.length], width: 2, spanGaps: true })),
        ],
      };
      plot.current = new UPlot(options, data, container.current);
    });
    return () => {
      cancelled = true;
    };
  }, [answer, inView, height]);

  // Follows the width of the page; removes the chart with the component.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart's container is rendered once the mode is known, so the effect runs again then
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    // Resized on the next frame, and only when the width changed: resizing inside the observer's
    // callback changes the layout it observes, which browsers report as a ResizeObserver loop
    // error (and the dev server shows as an error overlay).
    let frame: number | undefined;
    const resize = new ResizeObserver(() => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        frame = undefined;
        if (plot.current && plot.current.width !== element.clientWidth) plot.current.setSize({ width: element.clientWidth, height });
      });
    });
    resize.observe(element);
    return () => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      resize.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, [height, mode]);

  if (mode === 'static') {
    return (
      <LabPanel title={title}>
        <p className={styles.note}>
          This chart reads the lab's CloudWatch metrics through the lab API, which this page does not have. Start the workshop with{' '}
          <code>npm start</code> to see it live.
        </p>
        {cli && <CliCommand command={cli} note="The same numbers, from a terminal at the project root:" />}
      </LabPanel>
    );
  }
  const missing = answer?.series.filter((s) => s.missing).map((s) => `${s.label}: ${s.missing}`) ?? [];
  const points = answer?.series.reduce((n, s) => n + s.values.length, 0) ?? 0;
  return (
    <LabPanel
      title={title}
      subtitle={
        answer && (
          <span>
            CloudWatch, one datapoint per {answer.periodSeconds} s, last {minutes} min
          </span>
        )
      }
    >
      <div
        ref={container}
        className={styles.chart}
        data-testid={`metrics-${lab}`}
        data-points={points}
        data-latest={answer ? JSON.stringify(latestValues(answer)) : undefined}
        data-peaks={answer ? JSON.stringify(answer.series.map((s) => Math.max(0, ...s.values))) : undefined}
        data-totals={answer ? JSON.stringify(answer.series.map((s) => s.values.reduce((a, b) => a + b, 0))) : undefined}
      />
      {!answer && !problem && !notDeployed && <p className={styles.note}>Reading the metrics…</p>}
      {notDeployed && (
        <p className={styles.note} data-testid={`metrics-not-deployed-${lab}`}>
          {notDeployed}
        </p>
      )}
      {problem && <p className={`${styles.note} ${styles.error}`}>✗ {problem}</p>}
      {missing.length > 0 && <p className={styles.note}>Not deployed yet: {missing.join('; ')}.</p>}
      {answer && points === 0 && (
        <p className={styles.note}>No datapoints yet: the local cloud samples queues every few seconds (AWS: once a minute).</p>
      )}
    </LabPanel>
  );
}
