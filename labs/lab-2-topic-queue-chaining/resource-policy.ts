// Reads an SQS queue policy the way the checkpoints need: which service may send for which
// source, and what else the policy lets through. A plain reading of the JSON document, no IAM
// engine: the lab's policies are single statements with one condition.

interface Statement {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The service principals and "*" a statement names (an AWS account principal as `aws:<arn>`). */
function principalsOf(statement: Statement): string[] {
  const principal = statement.Principal;
  if (principal === '*') return ['*'];
  if (!principal || typeof principal !== 'object') return [];
  const { Service, AWS } = principal as { Service?: string | string[]; AWS?: string | string[] };
  return [...list(Service), ...list(AWS).map((arn) => (arn === '*' ? '*' : `aws:${arn}`))];
}

/** The values of an aws:SourceArn condition (ArnEquals, ArnLike, StringEquals or StringLike). */
function sourceArnsOf(statement: Statement): string[] {
  const values: string[] = [];
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    if (!/^(Arn|String)(Equals|Like)$/.test(operator)) continue;
    for (const [key, value] of Object.entries(keys)) if (key.toLowerCase() === 'aws:sourcearn') values.push(...list(value));
  }
  return values;
}

export interface PolicyReading {
  /** Whether `service` may send messages on behalf of `sourceArn`, exactly. */
  allows: boolean;
  /** What else the policy allows, in words. */
  problems: string[];
}

/**
 * Reads a queue policy for "`service` may send, on behalf of `sourceArn` and nothing else". A
 * statement that allows any other principal, any action beyond sending (and `alsoAllowed`), or
 * sending for another (or any) source is a problem.
 */
export function readQueuePolicy(policy: string | undefined, service: string, sourceArn: string, alsoAllowed: string[] = []): PolicyReading {
  const allowedActions = new Set(['sqs:sendmessage', ...alsoAllowed.map((a) => a.toLowerCase())]);
  if (!policy) return { allows: false, problems: [] };
  const document = JSON.parse(policy) as { Statement?: Statement | Statement[] };
  let allows = false;
  const problems: string[] = [];
  for (const statement of list(document.Statement)) {
    if (statement.Effect !== 'Allow') continue;
    const principals = principalsOf(statement);
    const actions = list(statement.Action).map((a) => a.toLowerCase());
    const sources = sourceArnsOf(statement);
    const others = principals.filter((p) => p !== service);
    if (others.length > 0) problems.push(`it allows ${others.map((p) => (p === '*' ? 'anyone ("*")' : p)).join(', ')}`);
    const broad = actions.filter((a) => !allowedActions.has(a));
    if (broad.length > 0) problems.push(`it grants ${broad.join(', ')}, more than sqs:SendMessage`);
    if (sources.length === 0) problems.push(`it lets ${principals.join(', ')} send on behalf of any source (no aws:SourceArn condition)`);
    const foreign = sources.filter((s) => s !== sourceArn);
    if (foreign.length > 0) problems.push(`it allows sources other than ${sourceArn}: ${foreign.join(', ')}`);
    if (
      principals.includes(service) &&
      actions.some((a) => a === 'sqs:sendmessage' || a === 'sqs:*' || a === '*') &&
      sources.includes(sourceArn)
    )
      allows = true;
  }
  return { allows, problems: [...new Set(problems)] };
}
