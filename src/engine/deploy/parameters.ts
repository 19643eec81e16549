import { type LabDefinition, parameterValue } from '../../../labs/kit/lab.ts';
import type { TargetKind } from '../../../labs/kit/target.ts';
import { EngineError } from '../events.ts';

/** What a deploy passes to CloudFormation as the stack's parameters, and what it left out. */
export interface StackParameterValues {
  /** Parameter values by name, for the parameters the template declares. */
  values: Record<string, string>;
  /** Overrides naming a parameter of the lab that this template does not declare (yet). */
  unused: string[];
}

/**
 * The parameter values of one deploy: for each parameter the template declares, the override
 * given for this deploy, else the lab's value for the kind of target. Parameters the template
 * declares and the lab does not define (the CDK's `BootstrapVersion`) keep their template default.
 * Every deploy states its values, so a deploy without overrides goes back to the lab's values.
 */
export function stackParameterValues(
  lab: LabDefinition,
  kind: TargetKind,
  declared: readonly string[],
  overrides: Record<string, string> = {},
): StackParameterValues {
  const defined = lab.parameters ?? {};
  for (const name of Object.keys(overrides)) {
    if (!defined[name] && !declared.includes(name)) {
      const known = [...new Set([...Object.keys(defined), ...declared.filter((d) => d !== 'BootstrapVersion')])];
      throw new EngineError(
        'UnknownParameter',
        `${lab.id} has no stack parameter "${name}". ${known.length > 0 ? `Its parameters: ${known.join(', ')}.` : 'Its stack has no parameters.'}`,
      );
    }
  }
  const values: Record<string, string> = {};
  for (const name of declared) {
    if (overrides[name] !== undefined) values[name] = overrides[name];
    else if (defined[name]) values[name] = parameterValue(defined[name], kind);
  }
  return { values, unused: Object.keys(overrides).filter((name) => !declared.includes(name)) };
}

/** Reads `Name=value` pairs (the CLI's repeated --parameter option) into overrides. */
export function parseParameterOverrides(pairs: readonly string[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z0-9]+)=(.*)$/s.exec(pair);
    if (!match)
      throw new EngineError('BadParameter', `--parameter takes Name=value (for example --parameter DeadlineSeconds=10), not "${pair}".`);
    overrides[match[1]] = match[2];
  }
  return overrides;
}

/** One line naming the values a deploy passes, for its progress. */
export function describeParameterValues(
  { values, unused }: StackParameterValues,
  kind: TargetKind,
  overrides: Record<string, string>,
): string | undefined {
  const names = Object.keys(values);
  if (names.length === 0 && unused.length === 0) return undefined;
  const shown = names.map((name) => `${name}=${values[name]}${overrides[name] !== undefined ? ' (given)' : ''}`).join(', ');
  const notYet = unused.length > 0 ? ` ${unused.join(', ')} ${unused.length === 1 ? 'is' : 'are'} not in this stack yet: ignored.` : '';
  return `${names.length > 0 ? `Stack parameters (${kind} values unless given): ${shown}.` : ''}${notYet}`.trim();
}
