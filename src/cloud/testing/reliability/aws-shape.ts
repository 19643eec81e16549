/**
 * The wire protocols the endpoint speaks, as a client of each reads an answer; `any` for a request
 * whose service cannot be told (no signature, no target): either format's error is fine.
 */
export type Wire = 'json' | 'query' | 'rest-json' | 'rest-xml' | 'any';

/** One answer, as a client received it. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * Why an answer is not one an AWS SDK of this protocol could read, or undefined when it is:
 * an error names its code where that protocol puts it (`__type` or X-Amzn-ErrorType for JSON,
 * `<Error><Code>` for XML) with a message; a success has a body of the protocol's format.
 */
export function notAwsShaped(wire: Wire, method: string, answer: Answer): string | undefined {
  const text = answer.body.toString('utf8');
  const header = (name: string) => {
    const value = answer.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (answer.status < 100 || answer.status > 599) return `status ${answer.status}`;
  if (wire === 'any') {
    if (answer.status < 300) return undefined;
    return notAwsShaped('json', method, answer) && notAwsShaped('query', method, answer)
      ? `an error in no AWS format: ${answer.body.toString('utf8').slice(0, 120)}`
      : undefined;
  }
  const error = answer.status >= 300;
  if (wire === 'json' || wire === 'rest-json') {
    if (!error) {
      if (text.length === 0 || wire === 'rest-json') return undefined;
      return parses(text) ? undefined : 'a success whose body is not JSON';
    }
    const body = parses(text);
    if (!body || typeof body !== 'object' || Array.isArray(body)) return `an error whose body is not a JSON object: ${text.slice(0, 120)}`;
    const code = header('x-amzn-errortype') ?? (body as Record<string, unknown>).__type ?? (body as Record<string, unknown>).code;
    if (typeof code !== 'string' || code.length === 0) return `an error without a code (__type or X-Amzn-ErrorType): ${text.slice(0, 120)}`;
    const message = (body as Record<string, unknown>).message ?? (body as Record<string, unknown>).Message;
    if (message !== undefined && typeof message !== 'string') return 'an error whose message is not text';
    return undefined;
  }
  if (!error) return wire === 'query' && !text.trimStart().startsWith('<') ? 'a success whose body is not XML' : undefined;
  if (method === 'HEAD' && text.length === 0) return undefined; // S3 answers HEAD with the status alone
  if (!/<Error>[\s\S]*<Code>[^<]+<\/Code>[\s\S]*<\/Error>/.test(text)) return `an error without <Error><Code>: ${text.slice(0, 120)}`;
  return undefined;
}

function parses(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
