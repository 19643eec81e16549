import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { clientFor } from '../../labs/kit/clients.ts';
import type { Target } from '../../labs/kit/target.ts';
import { whoAmI } from '../engine/aws/account.ts';
import { deleteStack } from '../engine/deploy/stack-operations.ts';
import { WORKSHOP_TAG, WORKSHOP_TAG_VALUE } from '../engine/deploy/synth.ts';
import { LabEngine, type LabSource, labsFolder } from '../engine/engine.ts';
import { EngineError, type EngineEvent, type Report } from '../engine/events.ts';

// A shared AWS account, as the instructor sees it: every learner's stacks and resources are found
// by the tags the workshop puts on everything (workshop, workshop:lab, workshop:learner), through
// public APIs only, so the same code runs against AWS and any AWS-compatible endpoint.

/** A resource the workshop tagged, with the learner and lab it belongs to. */
export interface TaggedResource {
  arn: string;
  learner: string;
  lab: string;
  /** `sns`, `lambda:function`, `sqs`…: service and resource type from the ARN. */
  type: string;
}

/** A workshop stack in the account. */
export interface WorkshopStack {
  name: string;
  learner: string;
  lab: string;
  status: string;
}

const tagOf = (tags: { Key?: string; Value?: string }[] | undefined, key: string) => tags?.find((t) => t.Key === key)?.Value ?? '?';

/** The service and resource type of an ARN: `arn:aws:lambda:…:function:x` → `lambda:function`. */
export function resourceType(arn: string): string {
  const parts = arn.split(':');
  const service = parts[2] || '?';
  const rest = parts.slice(5).join(':');
  const kind = /^([a-z-]+)[:/]/.exec(rest)?.[1];
  return kind ? `${service}:${kind}` : service;
}

/** Every resource the workshop tagged, of every learner, found with the Resource Groups Tagging API. */
export async function workshopResources(target: Target): Promise<TaggedResource[]> {
  const client = clientFor(ResourceGroupsTaggingAPIClient, target);
  const found: TaggedResource[] = [];
  let PaginationToken: string | undefined;
  do {
    const page = await client.send(
      new GetResourcesCommand({ TagFilters: [{ Key: WORKSHOP_TAG, Values: [WORKSHOP_TAG_VALUE] }], PaginationToken }),
    );
    for (const { ResourceARN, Tags } of page.ResourceTagMappingList ?? []) {
      if (ResourceARN)
        found.push({
          arn: ResourceARN,
          learner: tagOf(Tags, 'workshop:learner'),
          lab: tagOf(Tags, 'workshop:lab'),
          type: resourceType(ResourceARN),
        });
    }
    PaginationToken = page.PaginationToken || undefined;
  } while (PaginationToken);
  return found.sort((a, b) => a.learner.localeCompare(b.learner) || a.lab.localeCompare(b.lab) || a.arn.localeCompare(b.arn));
}

/** Every workshop stack in the account and region (stacks carry the same tags as their resources). */
export async function workshopStacks(target: Target): Promise<WorkshopStack[]> {
  const cfn = clientFor(CloudFormationClient, target);
  const stacks: Stack[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new DescribeStacksCommand({ NextToken }));
    stacks.push(...(page.Stacks ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return stacks
    .filter((s) => tagOf(s.Tags, WORKSHOP_TAG) === WORKSHOP_TAG_VALUE && s.StackStatus !== 'DELETE_COMPLETE')
    .map((s) => ({
      name: s.StackName!,
      learner: tagOf(s.Tags, 'workshop:learner'),
      lab: tagOf(s.Tags, 'workshop:lab'),
      status: s.StackStatus!,
    }))
    .sort((a, b) => a.learner.localeCompare(b.learner) || a.lab.localeCompare(b.lab));
}

export interface CleanupOptions {
  /** Asks before anything is deleted; without it (or with a no) nothing is. */
  confirm?: (question: string) => Promise<boolean>;
  report: Report;
  /** Stacks deleted at the same time. */
  concurrency?: number;
  /** How long to wait for the tagging API to forget deleted resources (AWS takes minutes). */
  settleMs?: number;
  /** Between two looks at what is left. */
  pollMs?: number;
}

export interface CleanupResult {
  ok: boolean;
  destroyed: string[];
  failed: { stack: string; message: string }[];
  leftovers: TaggedResource[];
}

/**
 * Destroys every learner's workshop stacks in the target's account and region, after asking,
 * then proves with the leftovers check (every resource still tagged by the workshop, whoever's)
 * that nothing billable remains. A stack that fails to delete does not stop the others.
 */
export async function cleanupClass(target: Target, options: CleanupOptions): Promise<CleanupResult> {
  const { report } = options;
  const { account } = await whoAmI(target);
  const where =
    target.kind === 'aws'
      ? `AWS account ${account}, region ${target.region}`
      : `${target.endpoint} (account ${account}, region ${target.region})`;
  report({ type: 'progress', message: `Looking for workshop stacks in ${where}…` });
  const stacks = await workshopStacks(target);
  const result: CleanupResult = { ok: false, destroyed: [], failed: [], leftovers: [] };
  if (stacks.length > 0) {
    const learners = new Set(stacks.map((s) => s.learner));
    for (const stack of stacks)
      report({
        type: 'output',
        line: `  ${stack.name.padEnd(32)} learner ${stack.learner.padEnd(12)} ${stack.lab.padEnd(7)} ${stack.status}`,
      });
    const question = `Delete ${stacks.length === 1 ? 'this stack' : `these ${stacks.length} stacks`} of ${learners.size} learner${learners.size === 1 ? '' : 's'} and every resource in ${stacks.length === 1 ? 'it' : 'them'}, in ${where}?`;
    if (!options.confirm || !(await options.confirm(question))) {
      throw new EngineError(
        'NotConfirmed',
        `Nothing was deleted: cleaning up needs your confirmation${options.confirm ? '' : ' (pass --yes in a script)'}.`,
      );
    }
    const cfn = clientFor(CloudFormationClient, target);
    const queue = [...stacks];
    const pollMaxMs = target.kind === 'aws' ? 5_000 : 100;
    const worker = async () => {
      for (let stack = queue.shift(); stack; stack = queue.shift()) {
        const started = performance.now();
        report({ type: 'progress', message: `Deleting ${stack.name}…` });
        try {
          await deleteStack(cfn, stack.name, () => undefined, pollMaxMs);
          result.destroyed.push(stack.name);
          report({ type: 'output', line: `  ✓ ${stack.name} deleted (${((performance.now() - started) / 1000).toFixed(1)} s)` });
        } catch (error) {
          result.failed.push({ stack: stack.name, message: (error as Error).message });
          report({ type: 'output', line: `  ✗ ${stack.name}: ${(error as Error).message}` });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 5, stacks.length) }, worker));
  } else {
    report({ type: 'progress', message: 'No workshop stacks: nothing to delete.' });
  }
  result.leftovers = await settledLeftovers(target, options);
  result.ok = result.failed.length === 0 && result.leftovers.length === 0;
  return result;
}

/** What is still tagged, looked at again until nothing is or `settleMs` has passed. */
async function settledLeftovers(target: Target, options: CleanupOptions): Promise<TaggedResource[]> {
  const deadline = Date.now() + (options.settleMs ?? (target.kind === 'aws' ? 300_000 : 0));
  for (;;) {
    let left: TaggedResource[];
    try {
      left = await workshopResources(target);
    } catch (error) {
      throw new EngineError(
        'LeftoversUnknown',
        `The stacks are handled, but what is left could not be checked: ${(error as Error).message}`,
      );
    }
    if (left.length === 0 || Date.now() >= deadline) return left;
    const pollMs = options.pollMs ?? 15_000;
    options.report({
      type: 'progress',
      message: `${left.length} resource${left.length === 1 ? ' is' : 's are'} still tagged by the workshop; AWS takes a few minutes to forget deleted resources. Looking again in ${Math.round(pollMs / 1000)} s…`,
    });
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** One learner's checkpoints, run by the instructor against the learner's prefix. */
export interface LearnerVerification {
  prefix: string;
  ok: boolean;
  passed: number;
  total: number;
  failing: { id: string; step: number; hint: string }[];
  error?: string;
}

/**
 * Runs a lab's checkpoints against each learner's resources (their prefix), as the learner's own
 * verify would: the instructor sees who has what working in a shared account.
 */
export async function verifyLearners(
  target: Target,
  labId: string,
  prefixes: string[],
  source: LabSource = labsFolder,
): Promise<LearnerVerification[]> {
  const results: LearnerVerification[] = [];
  for (const prefix of prefixes) {
    const events: EngineEvent[] = [];
    const ok = await new LabEngine({ ...target, prefix }, source).verify(labId, (event) => events.push(event));
    const done = events.find((e) => e.type === 'done') as Extract<EngineEvent, { type: 'done' }>;
    const failing = events.flatMap((e) => (e.type === 'checkpoint' && !e.ok ? [{ id: e.id, step: e.step, hint: e.hint }] : []));
    results.push({ prefix, ok, passed: done.passed ?? 0, total: done.total ?? 0, failing, error: done.error?.message });
  }
  return results;
}
