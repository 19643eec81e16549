import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deployDescription, ProgressStore, recordingCheckpoints, recordingDeploy } from '../api/progress-store.ts';
import { parseParameterOverrides } from '../engine/deploy/parameters.ts';
import { LabEngine } from '../engine/engine.ts';
import { type EngineEvent, errorOf } from '../engine/events.ts';
import { STATE_DIR } from '../engine/paths.ts';
import { resolveTarget } from '../engine/target.ts';
import { terminalConfirm } from './confirm.ts';
import { doctor } from './doctor.ts';
import { joinCommand, learnerClassroom, leaveCommand, printDelivery } from './learner.ts';
import { bold, dim, red, terminalReporter } from './print.ts';

const USAGE = `${bold('workshop')}: the Wild Rydes asynchronous messaging workshop

Usage: npx workshop <command> [options]

  start                         the site, its lab API and the local cloud (what npm start runs)
  up                            the local cloud alone, in the foreground
  labs [--json]                 list the labs
  deploy <lab> [--solution [--step N]] [--parameter Name=value]...
                                deploy your labs/<lab>/stack.ts (or the solution); a stack
                                parameter takes the given value instead of the lab's
  run <lab> <snippet>           run one of the lab's SDK snippets (a worker runs until Ctrl-C)
  test <lab>                    run your own tests of the lab (labs/<lab>/tests/*.ts)
  verify <lab> [--step N] [--json]       run the lab's checkpoints (exit 0 only if all pass)
  status <lab>                  the lab's stack status and outputs
  destroy <lab>                 remove everything the lab deployed
  reset                         empty the local cloud (every lab's resources and logs)
  bootstrap --target aws        bootstrap your AWS account and region for the CDK (once)
  leftovers --target aws [lab]  list what the workshop created for you and still exists
  doctor                        check Node.js, ports and the target
  join <url> --code C --name N  join an instructor's class (your results appear on their dashboard)
  leave                         leave the class
  class start|export|resources|verify|cleanup   run a class (npx workshop class help)

Labs are named lab-1 or 1. Options for every command:
  --target local|aws            where labs run (default: local, the embedded cloud)
  --endpoint http://host:port   any AWS-compatible endpoint
  --region R  --prefix P        AWS region; your learner prefix (default from your user name)
  --port N                      the local cloud's port (default 4566, or WORKSHOP_CLOUD_PORT)
  --yes                         confirm creating billable resources on AWS without asking`;

/** Entry point of the command line: errors end as one clear line and exit status 1, never a stack trace. */
export async function main(argv: string[]): Promise<void> {
  try {
    await command(argv);
  } catch (error) {
    const { code, message } = errorOf(error);
    console.error(`${red('Error')} ${dim(`(${code})`)}: ${message}`);
    process.exitCode = 1;
  }
}

async function command(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      solution: { type: 'boolean' },
      step: { type: 'string' },
      parameter: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      target: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      prefix: { type: 'string' },
      port: { type: 'string' },
      'site-port': { type: 'string' },
      'api-port': { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
      // Instructor-led sessions (class, join).
      code: { type: 'string' },
      name: { type: 'string' },
      host: { type: 'string' },
      new: { type: 'boolean' },
      format: { type: 'string' },
      out: { type: 'string' },
      learner: { type: 'string', multiple: true },
    },
  });
  const [command, ...args] = positionals;
  if (!command || values.help || command === 'help') {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  const target = () =>
    resolveTarget({ target: values.target, endpoint: values.endpoint, region: values.region, prefix: values.prefix, cloudPort: port });
  const need = (what: string) => {
    if (!args[0]) {
      console.error(`Usage: npx workshop ${command} <lab>${what}`);
      process.exit(2);
    }
    return args[0];
  };
  // In a class, verify results go to the instructor and solutions wait for their release.
  const classroom = learnerClassroom();
  const engine = () => new LabEngine(target(), undefined, { confirm: terminalConfirm(Boolean(values.yes)), classroom });
  // What the learner does here shows on the site too: the lab API reads the same progress file.
  const progress = new ProgressStore(join(STATE_DIR, 'progress.json'));
  const recorded = async (lab: string, record: (learner: string, labId: string) => (event: EngineEvent) => void) => {
    const { kind, prefix } = target();
    let labId = lab;
    try {
      labId = (await engine().lab(lab)).id;
    } catch {
      // An unknown lab: the command itself says so, and nothing is recorded.
    }
    return record(`${kind}/${prefix}`, labId);
  };
  const finish = (ok: boolean) => {
    process.exitCode = ok ? 0 : 1;
  };
  switch (command) {
    case 'start':
      // The cloud and the site load only for the commands that serve them: other commands stay quick.
      return (await import('./serve.ts')).startWorkshop({
        cloudPort: port,
        sitePort: numberOr(values['site-port']),
        apiPort: numberOr(values['api-port']),
      });
    case 'up':
      return (await import('./serve.ts')).up({ port });
    case 'reset': {
      const { endpoint, kind } = target();
      if (kind !== 'local') throw new Error('reset empties the local cloud only; use destroy for a lab on AWS or another endpoint.');
      const response = await fetch(`${endpoint}/_workshop/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`The local cloud at ${endpoint} refused the reset (${response.status}).`);
      console.log(`The local cloud at ${endpoint} is empty: every stack, function, topic, queue, table and log is gone.`);
      return;
    }
    case 'doctor': {
      const result = await doctor(target());
      await classroom.preflight(result);
      printDelivery(classroom.lastDelivery);
      return finish(result.ok);
    }
    case 'class':
      return finish(await (await import('./class.ts')).classCommand(args, values, target, terminalConfirm(Boolean(values.yes))));
    case 'join':
      return finish(await joinCommand(args[0], values, target()));
    case 'leave':
      return finish(await leaveCommand());
    case 'labs': {
      if (values.json) return console.log(JSON.stringify(await engine().labs()));
      for (const lab of await engine().labs())
        console.log(`${bold(lab.id.padEnd(6))} ${lab.title} ${dim(`(${lab.steps.length} steps, ${lab.checkpoints.length} checkpoints)`)}`);
      return;
    }
    case 'deploy': {
      const lab = need(' [--solution [--step N]] [--parameter Name=value]');
      const step = values.step === undefined ? Number.POSITIVE_INFINITY : Number(values.step);
      const parameters = parseParameterOverrides(values.parameter ?? []);
      const what = deployDescription(Boolean(values.solution), step);
      const report = await recorded(lab, (learner, labId) => recordingDeploy(progress, learner, labId, what, terminalReporter()));
      return finish(await engine().deploy(lab, values.solution ? { solution: true, step } : { solution: false }, report, { parameters }));
    }
    case 'destroy': {
      const lab = need('');
      return finish(
        await engine().destroy(
          lab,
          await recorded(lab, (learner, labId) => recordingDeploy(progress, learner, labId, 'destroy', terminalReporter())),
        ),
      );
    }
    case 'run': {
      const lab = need(' <snippet>');
      if (!args[1]) {
        const summary = (await engine().labs()).find((l) => l.id === lab || l.id === `lab-${lab}`);
        console.error(
          `Usage: npx workshop run ${lab} <snippet>${summary ? `\nSnippets: ${summary.snippets.map((s) => s.name).join(', ')}` : ''}`,
        );
        process.exitCode = 2;
        return;
      }
      return finish(await engine().run(lab, args[1], terminalReporter(), interruptible()));
    }
    case 'test':
      return finish(await engine().test(need(''), terminalReporter(), interruptible()));
    case 'verify': {
      const lab = need(' [--step N] [--json]');
      const events: EngineEvent[] = [];
      const shown = values.json ? (event: EngineEvent) => events.push(event) : terminalReporter();
      const report = await recorded(lab, (learner, labId) => recordingCheckpoints(progress, learner, labId, shown));
      const ok = await engine().verify(lab, report, { step: numberOr(values.step) });
      printDelivery(classroom.lastDelivery);
      if (values.json) {
        const done = events.find((e) => e.type === 'done') as Extract<EngineEvent, { type: 'done' }>;
        console.log(
          JSON.stringify(
            {
              lab,
              ok,
              passed: done.passed,
              total: done.total,
              error: done.error,
              checkpoints: events.filter((e) => e.type === 'checkpoint'),
            },
            null,
            2,
          ),
        );
      }
      return finish(ok);
    }
    case 'bootstrap':
      return finish(await engine().bootstrap(terminalReporter()));
    case 'leftovers': {
      const left = await engine().leftovers(args[0]);
      console.log(
        left.length === 0
          ? 'Nothing the workshop created for you is left (tagged resources, function log groups).'
          : `Still there from the workshop for you:\n${left.map((arn) => `  ${arn}`).join('\n')}`,
      );
      return finish(left.length === 0);
    }
    case 'status': {
      const status = await engine().status(need(''));
      console.log(`${bold(status.stackName)}: ${status.status ?? 'not deployed'}`);
      for (const [key, value] of Object.entries(status.outputs)) console.log(`  ${key} = ${value}`);
      return;
    }
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

/**
 * A signal that the first Ctrl-C aborts, so that a snippet running until stopped (a worker)
 * finishes the work in hand and returns; a second Ctrl-C quits at once.
 */
function interruptible(): AbortSignal {
  const controller = new AbortController();
  let first = 0;
  process.on('SIGINT', () => {
    if (!controller.signal.aborted) {
      first = Date.now();
      console.error(dim('\nStopping (finishing the work in hand); press Ctrl-C again to quit at once.'));
      controller.abort();
    } else if (Date.now() - first > 500) {
      // Not the same Ctrl-C arriving twice (bin/workshop.mjs passes it on to the Node it re-runs on).
      process.exit(130);
    }
  });
  return controller.signal;
}

function numberOr(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}
