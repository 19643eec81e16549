import type { Target } from '../../labs/kit/target.ts';
import { type PreflightResult, preflight } from '../engine/preflight.ts';
import { bold, dim, green, red } from './print.ts';

/** Checks what the workshop needs on this machine and target, printing how to fix what is missing. */
export async function doctor(target: Target): Promise<PreflightResult> {
  console.log(
    `  target: ${bold(target.kind)}${target.endpoint ? ` at ${target.endpoint}` : ''}, region ${target.region}, learner prefix ${bold(target.prefix)}`,
  );
  const result = await preflight(target);
  for (const check of result.checks) {
    console.log(
      `${check.ok ? green('✓') : red('✗')} ${check.title}${check.detail ? dim(` — ${check.detail}`) : ''}${!check.ok && check.fix ? `\n    ${bold('fix:')} ${check.fix}` : ''}`,
    );
  }
  return result;
}
