import { AwsError } from '../../aws/errors.ts';

/**
 * CloudWatch Logs filter patterns for unstructured text: every term must appear (AND); a term
 * in double quotes is matched as a phrase; `?term` terms match if any of them appears (OR);
 * `-term` excludes. Matching is case-sensitive, as on AWS. JSON (`{ $.x = … }`) and
 * space-delimited (`[a, b]`) patterns are refused by name rather than matched wrongly.
 */
export function compileFilterPattern(pattern: string | undefined): (message: string) => boolean {
  const text = (pattern ?? '').trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{') || text.startsWith('[') || text.startsWith('%')) {
    throw new AwsError(
      'InvalidParameterException',
      `The local cloud supports text filter patterns only; JSON, space-delimited and regex patterns such as ${text} are not supported.`,
    );
  }
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  for (const match of text.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) {
    const term = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3];
    (match[1] === '?' ? any : match[1] === '-' ? none : all).push(term);
  }
  return (message) =>
    all.every((t) => message.includes(t)) &&
    (any.length === 0 || any.some((t) => message.includes(t))) &&
    !none.some((t) => message.includes(t));
}
