import { join } from 'node:path';
import type { Target } from '../../labs/kit/target.ts';
import { type Delivery, LearnerClassroom } from '../class/learner/classroom.ts';
import { EngineError } from '../engine/events.ts';
import { STATE_DIR } from '../engine/paths.ts';
import { preflight } from '../engine/preflight.ts';
import { bold, dim, green, red } from './print.ts';

/** Where a learner's membership and outbox live. */
export const LEARNER_DIR = join(STATE_DIR, 'class');

/** The learner's classroom on this machine (membership and outbox in .workshop/class). */
export function learnerClassroom(): LearnerClassroom {
  return new LearnerClassroom(LEARNER_DIR);
}

/** `workshop join <url> --code C --name N`: joins, then sends this machine's preflight. */
export async function joinCommand(url: string | undefined, flags: { code?: string; name?: string }, target: Target): Promise<boolean> {
  if (!url || !flags.code || !flags.name)
    throw new EngineError('Usage', 'Usage: npx workshop join <url> --code <code> --name "<your name>" (your instructor shows all three).');
  const classroom = learnerClassroom();
  const before = classroom.membership();
  const membership = await classroom.join(url, flags.code, flags.name, target);
  if (before) {
    console.log(`${green('✓')} "${membership.className}" is now at ${membership.url}: your results go there.`);
    printDelivery(classroom.lastDelivery);
    return true;
  }
  console.log(`${green('✓')} You joined ${bold(`"${membership.className}"`)} as ${bold(membership.name)}.`);
  console.log(
    dim(
      '  Your checkpoint results (lab, checkpoint, pass or fail, timings) and your preflight now go to your instructor; never your code, credentials or resources.',
    ),
  );
  console.log(dim('  Checking your machine for the instructor (npx workshop doctor)…'));
  const result = await preflight(target);
  await classroom.preflight(result);
  for (const check of result.checks.filter((c) => !c.ok))
    console.log(`${red('✗')} ${check.title}${check.fix ? `\n    ${bold('fix:')} ${check.fix}` : ''}`);
  if (result.ok) console.log(`${green('✓')} Preflight: everything the workshop needs is there.`);
  printDelivery(classroom.lastDelivery);
  console.log(dim('  npx workshop leave stops reporting.'));
  return true;
}

export async function leaveCommand(): Promise<boolean> {
  const { left, serverAnswered, dropped } = await learnerClassroom().leave();
  if (!left) {
    console.log('You are not in a class.');
    return true;
  }
  console.log(
    `${green('✓')} You left "${left.className}": nothing is reported any more.${serverAnswered ? '' : dim(' (The class server did not answer; it will show you as inactive.)')}`,
  );
  if (dropped > 0)
    console.log(dim(`  ${dropped} result${dropped === 1 ? '' : 's'} that could not be sent ${dropped === 1 ? 'was' : 'were'} discarded.`));
  return true;
}

/** One line (on stderr, so that --json output stays clean) on what reached the class. */
export function printDelivery(delivery: Delivery | undefined): void {
  if (!delivery) return;
  if (delivery.unreachable)
    console.error(
      dim(`Class: ${delivery.unreachable} ${delivery.pending} result${delivery.pending === 1 ? '' : 's'} will be sent when it is back.`),
    );
  else if (delivery.sent > 0) console.error(dim('Class: reported to your instructor.'));
  for (const refusal of delivery.rejected) console.error(red(`Class: the class server refused a report: ${refusal}`));
}
