import type { Stack, StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { TargetKind } from './target.ts';

/** Props every lab stack receives from the engine. */
export interface LabStackProps extends StackProps {
  /** Per-learner prefix; explicit resource names start with it (`${prefix}-Rides`). */
  prefix: string;
}

/** Builds one lab stack inside `scope`. */
export type StackFactory = (scope: Construct, id: string, props: LabStackProps) => Stack;

/** One numbered step of a lab page. */
export interface LabStep {
  n: number;
  title: string;
}

/** A small SDK program the page shows and runs; `source` is the file the page shows. */
export interface Snippet {
  name: string;
  title: string;
  description: string;
  /** Path of the snippet's source, relative to the lab's folder. */
  source: string;
  run: () => Promise<void>;
  /**
   * Set for a snippet that runs until it is stopped, such as a worker: the page shows Start and
   * Stop, the CLI runs it until Ctrl-C. It reads `labContext().signal`, finishes the work in hand
   * when it aborts, and returns.
   */
  untilStopped?: {
    /** Another snippet of the lab that gives it work: the steps test runs it while this one runs. */
    feed: string;
    /** What it prints once it has done that work: the steps test waits for it. */
    proof: RegExp;
  };
}

/**
 * A named check of the deployed resources or of their behaviour. `run` resolves when the check
 * passes (optionally with a line of detail) and throws a CheckpointFailure when it does not.
 */
export interface Checkpoint {
  id: string;
  /** The step whose work makes this checkpoint pass. */
  step: number;
  title: string;
  /** What to change when the checkpoint fails. */
  hint: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: a checkpoint that has nothing to add returns nothing (an async function of no value)
  run: () => Promise<string | void>;
  /**
   * Starts with the verify run instead of after the checkpoints listed before it, which then run
   * while it waits. For a behaviour probe that spends most of its time waiting (on a batching
   * window, say) and disturbs nothing those checkpoints look at, nor what the other early ones
   * look at (they all run at once); its result is still reported in its place. The checkpoints
   * after it start once it has finished, as usual.
   *
   * `{ after: [ids] }` starts it once those checkpoints have finished instead: for a probe that
   * would disturb them (a redrive that moves every dead letter, while another probe waits for its
   * own). They must be early ones of the same step, listed before it.
   *
   * A probe that must change something for a moment (switch a consumer off) can still start
   * early if it tells the others, and they make allowance for it: see Lab 2's ProbeSwitch.
   */
  startEarly?: boolean | { after: string[] };
}

/**
 * A CloudFormation parameter of a lab's stack (a `CfnParameter` of the same name), with the value
 * the engine passes on each kind of target: seconds where a local cloud answers at once, realistic
 * values on AWS. An `endpoint` target takes the `local` value unless it has its own. The stack's
 * own default should be the `aws` value, so a plain `cdk deploy` behaves as on AWS.
 */
export interface LabParameter {
  /** What the value means, for progress messages and the page. */
  description: string;
  local: string | number;
  aws: string | number;
  endpoint?: string | number;
}

export interface LabDefinition {
  /** Short id used on the command line and in stack names: `lab-1`. */
  id: string;
  /** Folder name under labs/ and docs/: `lab-1-fan-out`. */
  slug: string;
  title: string;
  steps: LabStep[];
  /**
   * The lab's CDK stack, absent for labs without one: the class that both the learner's
   * `labs/<slug>/stack.ts` (the starter) and the annotated `labs/<slug>/solution/stack.ts` export.
   * The solution after step N is cut from the annotated file (see labs/kit/steps).
   */
  stack?: { className: string };
  snippets: Snippet[];
  checkpoints: Checkpoint[];
  /**
   * The stack's CloudFormation parameters, by name, with their values per target kind. Only those
   * the deployed template declares are passed (a parameter may arrive in a later step); a deploy
   * may override them (`npx workshop deploy lab-3 --parameter DeadlineSeconds=10`).
   */
  parameters?: Record<string, LabParameter>;
}

/** The value of a lab parameter on a kind of target. */
export function parameterValue(parameter: LabParameter, kind: TargetKind): string {
  return String(kind === 'endpoint' ? (parameter.endpoint ?? parameter.local) : parameter[kind]);
}

/** Declares a lab; checks the manifest's own consistency so an author sees mistakes at once. */
/**
 * What is wrong with the early starts of `checkpoints`, in their order: a checkpoint that starts
 * after one that is not an early checkpoint of its step listed before it. (A verify of one step
 * runs that step's checkpoints only: those it waits for must be among them.)
 */
export function earlyStartProblem(checkpoints: Checkpoint[]): string | undefined {
  for (const [i, checkpoint] of checkpoints.entries()) {
    if (typeof checkpoint.startEarly !== 'object') continue;
    for (const id of checkpoint.startEarly.after) {
      const before = checkpoints.slice(0, i).find((c) => c.id === id);
      if (!before?.startEarly || before.step !== checkpoint.step)
        return `checkpoint "${checkpoint.id}" starts after "${id}", which is not an early checkpoint of step ${checkpoint.step} listed before it`;
    }
  }
  return undefined;
}

export function defineLab(lab: LabDefinition): LabDefinition {
  const ids = new Set<string>();
  for (const checkpoint of lab.checkpoints) {
    if (ids.has(checkpoint.id)) throw new Error(`${lab.id}: checkpoint id "${checkpoint.id}" is used twice`);
    ids.add(checkpoint.id);
    if (lab.steps.length > 0 && !lab.steps.some((step) => step.n === checkpoint.step)) {
      throw new Error(`${lab.id}: checkpoint "${checkpoint.id}" names step ${checkpoint.step}, which the lab does not have`);
    }
  }
  const problem = earlyStartProblem(lab.checkpoints);
  if (problem) throw new Error(`${lab.id}: ${problem}`);
  const names = new Set<string>();
  for (const snippet of lab.snippets) {
    if (names.has(snippet.name)) throw new Error(`${lab.id}: snippet "${snippet.name}" is defined twice`);
    names.add(snippet.name);
  }
  for (const [name, parameter] of Object.entries(lab.parameters ?? {})) {
    // CloudFormation parameter names are alphanumeric.
    if (!/^[A-Za-z0-9]+$/.test(name))
      throw new Error(`${lab.id}: parameter "${name}" is not a CloudFormation parameter name (letters and digits only)`);
    if (parameter.local === undefined || parameter.aws === undefined)
      throw new Error(`${lab.id}: parameter ${name} needs a local and an aws value`);
  }
  for (const snippet of lab.snippets.filter((s) => s.untilStopped)) {
    const feed = lab.snippets.find((s) => s.name === snippet.untilStopped!.feed);
    if (!feed || feed.untilStopped)
      throw new Error(
        `${lab.id}: snippet "${snippet.name}" is fed by "${snippet.untilStopped!.feed}", which is not a snippet of the lab that ends by itself`,
      );
  }
  if (lab.stack && !/^[A-Z]\w*$/.test(lab.stack.className)) {
    throw new Error(`${lab.id}: stack.className "${lab.stack.className}" is not the name of a class`);
  }
  return lab;
}
