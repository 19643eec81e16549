import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Target } from '../../labs/kit/target.ts';
import { cleanupClass, verifyLearners, workshopResources, workshopStacks } from '../class/account.ts';
import { workshopCatalogue } from '../class/catalogue.ts';
import { classCsv, classJson } from '../class/export.ts';
import { archiveClass, classDatabase, startClassServer } from '../class/run.ts';
import { classSnapshot } from '../class/server.ts';
import { ClassStore } from '../class/store.ts';
import { EngineError } from '../engine/events.ts';
import { STATE_DIR } from '../engine/paths.ts';
import { bold, dim, green, red, terminalReporter } from './print.ts';

/** Where the instructor's class database lives (apart from a learner's membership, in class/). */
export const CLASS_SERVER_DIR = join(STATE_DIR, 'class-server');

export const CLASS_USAGE = `${bold('workshop class')}: instructor-led sessions

  class start [--host H] [--port N] [--name "…"] [--new]
                                start the class server (loopback unless --host; 0.0.0.0 = every
                                interface); prints the join command and the dashboard's address
  class info                    the join command, code and dashboard address again
  class export [--format csv|json] [--out FILE]
                                the class's results (the server may be stopped)
  class resources --target aws  every learner's stacks and tagged resources in the shared account
  class verify <lab> [--learner P ...] --target aws
                                run a lab's checkpoints against each learner's resources (by prefix)
  class cleanup --target aws [--yes]
                                destroy every learner's stacks, then prove nothing tagged is left

Learners:
  join <url> --code C --name N  report your checkpoint results and preflight to the class
  leave                         stop reporting

Ports: --port, or WORKSHOP_CLASS_PORT (default 3030). The dashboard opens in the site
(npm start): WORKSHOP_SITE_PORT (default 3000).`;

export interface ClassFlags {
  host?: string;
  port?: string;
  name?: string;
  new?: boolean;
  format?: string;
  out?: string;
  learner?: string[];
  yes?: boolean;
}

const sitePort = () => Number(process.env.WORKSHOP_SITE_PORT ?? 3000);

/** The dashboard's address: the server and the token travel in the fragment, which no server sees. */
export function dashboardUrl(serverUrl: string, token: string, port = sitePort()): string {
  return `http://localhost:${port}/class#server=${encodeURIComponent(serverUrl)}&token=${token}`;
}

function printClass(
  info: { name: string; code: string; instructorToken: string },
  joinUrls: string[],
  localUrl: string,
  loopback: boolean,
): void {
  console.log(`  Learners join with:   ${bold(`npx workshop join ${joinUrls[0]} --code ${info.code} --name "<your name>"`)}`);
  for (const url of joinUrls.slice(1))
    console.log(`                   or:   npx workshop join ${url} --code ${info.code} --name "<your name>"`);
  console.log(`                        ${dim("(or the Join box on the site's home page: address, code, name)")}`);
  if (loopback)
    console.log(
      dim("  Only this computer can join: for a room, start with --host 0.0.0.0 (every interface) or --host <this computer's address>."),
    );
  console.log(`  Dashboard:            ${bold(dashboardUrl(localUrl, info.instructorToken))}`);
  console.log(dim(`                        (needs the site: npm start; the instructor token is in the address — keep it to yourself)`));
}

/** `workshop class <subcommand>`. */
export async function classCommand(
  args: string[],
  flags: ClassFlags,
  target: () => Target,
  confirm: (question: string) => Promise<boolean>,
): Promise<boolean> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'start':
      return startClass(flags);
    case 'info': {
      const store = openExisting();
      try {
        console.log(
          `${bold(store.info.name)} ${dim(`(created ${new Date(store.info.createdAt).toLocaleString()}, ${store.learners().length} learners)`)}`,
        );
        const port = Number(flags.port ?? process.env.WORKSHOP_CLASS_PORT ?? 3030);
        printClass(store.info, [`http://<this computer's address>:${port}`], `http://127.0.0.1:${port}`, false);
      } finally {
        store.close();
      }
      return true;
    }
    case 'export':
      return exportClass(flags);
    case 'resources':
      return listResources(target());
    case 'verify': {
      if (!rest[0]) throw new EngineError('Usage', 'Usage: npx workshop class verify <lab> [--learner <prefix> ...] --target aws');
      return verifyAll(target(), rest[0], flags.learner);
    }
    case 'cleanup':
      return cleanup(target(), confirm);
    default:
      if (sub !== undefined && sub !== 'help') console.error(`Unknown class command "${sub}".\n`);
      console.log(CLASS_USAGE);
      return sub === undefined || sub === 'help';
  }
}

function openExisting(): ClassStore {
  const file = classDatabase(CLASS_SERVER_DIR);
  try {
    return ClassStore.open(file);
  } catch (error) {
    throw new EngineError('NoClass', `Could not open the class at ${file}: ${(error as Error).message}`);
  }
}

async function startClass(flags: ClassFlags): Promise<boolean> {
  if (flags.new) {
    const archived = archiveClass(CLASS_SERVER_DIR);
    if (archived) console.log(dim(`The previous class is kept in ${archived}.`));
  }
  const port = Number(flags.port ?? process.env.WORKSHOP_CLASS_PORT ?? 3030);
  const running = await startClassServer({ dir: CLASS_SERVER_DIR, host: flags.host, port, name: flags.name });
  const { info } = running.store;
  const learners = running.store.learners().length;
  console.log(
    `${green('●')} Class ${bold(`"${info.name}"`)} ${running.resumed ? `resumed (${learners} learner${learners === 1 ? '' : 's'}; --new starts another)` : 'created'}, listening on ${bold(`http://${running.host}:${running.port}`)}`,
  );
  printClass(
    info,
    running.joinUrls,
    running.localUrl,
    running.host === '127.0.0.1' || running.host === 'localhost' || running.host === '::1',
  );
  console.log(dim(`  State: ${classDatabase(CLASS_SERVER_DIR)} (survives a restart). Ctrl-C stops the server.`));
  await new Promise<void>((resolve) => {
    const stop = () => {
      console.log(dim('\nStopping the class server… (the class is kept; class start resumes it)'));
      void running.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return true;
}

async function exportClass(flags: ClassFlags): Promise<boolean> {
  const format = flags.format ?? (flags.out?.endsWith('.json') ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json') throw new EngineError('BadFormat', '--format must be csv or json.');
  const store = openExisting();
  try {
    const snapshot = classSnapshot(store, await workshopCatalogue());
    const text = format === 'csv' ? classCsv(snapshot) : classJson(snapshot, store.runs());
    if (flags.out) {
      writeFileSync(flags.out, text);
      console.error(`${green('✓')} ${snapshot.learners.length} learners of "${store.info.name}" written to ${flags.out} (${format})`);
    } else process.stdout.write(text);
  } finally {
    store.close();
  }
  return true;
}

async function listResources(target: Target): Promise<boolean> {
  const stacks = await workshopStacks(target);
  console.log(bold(`Workshop stacks (${stacks.length})`));
  for (const stack of stacks)
    console.log(`  ${stack.learner.padEnd(14)} ${stack.lab.padEnd(7)} ${stack.name.padEnd(30)} ${dim(stack.status)}`);
  const resources = await workshopResources(target);
  const learners = [...new Set(resources.map((r) => r.learner))];
  console.log(
    bold(`\nResources tagged by the workshop (${resources.length}, ${learners.length} learner${learners.length === 1 ? '' : 's'})`),
  );
  for (const learner of learners) {
    console.log(`  ${bold(learner)}`);
    for (const resource of resources.filter((r) => r.learner === learner))
      console.log(`    ${resource.lab.padEnd(7)} ${resource.type.padEnd(22)} ${dim(resource.arn)}`);
  }
  return true;
}

async function verifyAll(target: Target, lab: string, learners?: string[]): Promise<boolean> {
  const prefixes = learners?.length
    ? learners
    : [...new Set((await workshopStacks(target)).filter((s) => s.lab === lab || `lab-${lab}` === s.lab).map((s) => s.learner))];
  if (prefixes.length === 0) {
    console.log(`No learner has a ${lab} stack here. Name learners with --learner <prefix>.`);
    return true;
  }
  console.log(dim(`Running the checkpoints of ${lab} for ${prefixes.length} learner${prefixes.length === 1 ? '' : 's'}…`));
  let all = true;
  for (const result of await verifyLearners(target, lab, prefixes)) {
    all &&= result.ok;
    const first = result.failing[0];
    const line = result.error
      ? red(result.error)
      : first
        ? `${red(`first failing: [step ${first.step}] ${first.id}`)} ${dim(`— ${first.hint}`)}`
        : green('all pass');
    console.log(
      `${result.ok ? green('✓') : red('✗')} ${bold(result.prefix.padEnd(14))} ${String(result.passed).padStart(2)}/${result.total}  ${line}`,
    );
  }
  return all;
}

async function cleanup(target: Target, confirm: (question: string) => Promise<boolean>): Promise<boolean> {
  if (target.kind === 'local')
    throw new EngineError(
      'NotNeeded',
      'class cleanup empties a shared account: use --target aws (or --endpoint). On this machine, npx workshop reset empties the local cloud.',
    );
  const result = await cleanupClass(target, { confirm, report: terminalReporter() });
  if (result.failed.length > 0)
    console.log(
      red(
        `\n${result.failed.length} stack${result.failed.length === 1 ? '' : 's'} could not be deleted (see above): fix the cause, then run class cleanup again.`,
      ),
    );
  if (result.leftovers.length > 0) {
    console.log(red(`\nStill tagged by the workshop (${result.leftovers.length}):`));
    for (const resource of result.leftovers) console.log(`  ${resource.learner.padEnd(14)} ${resource.lab.padEnd(7)} ${resource.arn}`);
    console.log('Delete them by hand (they are outside any stack now), or wait a few minutes and run class cleanup again.');
  } else
    console.log(
      green(
        `\n✓ Nothing tagged by the workshop is left in ${target.kind === 'aws' ? `${target.region}` : target.endpoint}: ${result.destroyed.length} stack${result.destroyed.length === 1 ? '' : 's'} deleted.`,
      ),
    );
  return result.ok;
}
