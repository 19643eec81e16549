import { AwsError } from '../../aws/errors.ts';

// Metric math as GetMetricData evaluates it, for the forms dashboards and the labs use:
// numbers, query ids, + - * / with parentheses, METRICS() (optionally METRICS("text"): the
// metric queries whose Id contains the text), and SUM / AVG / MIN / MAX. As on AWS, those four
// turn an array of time series into one series (per timestamp) and one series into a number;
// an operator between two series keeps the timestamps both have. Any other function or syntax is
// refused by name.

/** One time series: values by timestamp (epoch ms). */
export type TimeSeries = Map<number, number>;
type Value = number | TimeSeries | TimeSeries[];

/** What an expression can refer to: the results of the request's other queries. */
export interface MathScope {
  /** The series of the query with this Id (a metric or an expression), or undefined. */
  series(id: string): TimeSeries | undefined;
  /** The series of the request's metric (MetricStat) queries whose Id contains `text`. */
  metrics(text: string): TimeSeries[];
}

const REDUCERS: Record<string, (values: number[]) => number> = {
  SUM: (v) => v.reduce((a, b) => a + b, 0),
  AVG: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  MIN: (v) => Math.min(...v),
  MAX: (v) => Math.max(...v),
};
const OPERATORS: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};

/** Evaluates the expression of query `id` to one time series; anything else is an AWS-shaped error. */
export function evaluateExpression(id: string, expression: string, scope: MathScope): TimeSeries {
  const fail = (reason: string) =>
    new AwsError(
      'ValidationError',
      `Error in expression ${id}: ${reason}. The local cloud evaluates numbers, query ids, + - * / and parentheses, METRICS(), SUM, AVG, MIN and MAX.`,
    );
  const tokens = expression.match(/\s*(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|"[^"]*"|'[^']*'|[-+*/(),]|\S)/g)?.map((t) => t.trim()) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (expected !== undefined && token !== expected)
      throw fail(token === undefined ? `expected "${expected}" at the end` : `expected "${expected}" but found "${token}"`);
    return token;
  };

  const sum = (): Value => {
    let left = product();
    while (peek() === '+' || peek() === '-') left = combine(take(), left, product());
    return left;
  };
  const product = (): Value => {
    let left = unary();
    while (peek() === '*' || peek() === '/') left = combine(take(), left, unary());
    return left;
  };
  const unary = (): Value => {
    if (peek() !== '-') return primary();
    take();
    return combine('*', -1, unary());
  };
  const primary = (): Value => {
    const token = take();
    if (token === undefined) throw fail('the expression ends too early');
    if (token === '(') {
      const inner = sum();
      take(')');
      return inner;
    }
    if (/^\d/.test(token)) return Number(token);
    if (!/^[A-Za-z_]/.test(token)) throw fail(`unexpected "${token}"`);
    if (peek() !== '(') {
      const series = scope.series(token);
      if (!series) throw fail(`"${token}" is not the Id of another query in this request`);
      return series;
    }
    take('(');
    if (token === 'METRICS') {
      const text = peek() === ')' ? '' : take().replace(/^["']|["']$/g, '');
      take(')');
      return scope.metrics(text);
    }
    const reducer = REDUCERS[token];
    if (!reducer) throw fail(`the function ${token} is not supported`);
    const argument = sum();
    take(')');
    return reduce(reducer, argument);
  };

  const combine = (operator: string, a: Value, b: Value): Value => {
    const op = OPERATORS[operator];
    if (Array.isArray(a)) return a.map((s) => combine(operator, s, b) as TimeSeries);
    if (Array.isArray(b)) return b.map((s) => combine(operator, a, s) as TimeSeries);
    if (typeof a === 'number' && typeof b === 'number') return op(a, b);
    const out: TimeSeries = new Map();
    if (typeof a === 'number') for (const [t, v] of b as TimeSeries) out.set(t, op(a, v));
    else if (typeof b === 'number') for (const [t, v] of a) out.set(t, op(v, b));
    else for (const [t, v] of a) if (b.has(t)) out.set(t, op(v, b.get(t)!));
    return out;
  };
  const reduce = (reducer: (values: number[]) => number, value: Value): Value => {
    if (typeof value === 'number') return value;
    if (!Array.isArray(value)) return value.size === 0 ? Number.NaN : reducer([...value.values()]);
    const byTime = new Map<number, number[]>();
    for (const series of value) for (const [t, v] of series) (byTime.get(t) ?? byTime.set(t, []).get(t)!).push(v);
    return new Map([...byTime].map(([t, values]) => [t, reducer(values)]));
  };

  if (tokens.length === 0) throw fail('the expression is empty');
  const result = sum();
  if (at < tokens.length) throw fail(`unexpected "${tokens[at]}"`);
  if (typeof result === 'number') throw fail('it returns a single number; the local cloud answers expressions that return one time series');
  if (Array.isArray(result)) throw fail('it returns several time series; wrap it in SUM, AVG, MIN or MAX for one');
  return result;
}
