import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientFor } from '../../labs/kit/clients.ts';
import { withLabContext } from '../../labs/kit/context.ts';
import { invokeUrlOn } from '../../labs/kit/http.ts';
import type { LabDefinition } from '../../labs/kit/lab.ts';
import { awsEndpointOverride, isLoopback, stackNameFor, type Target } from '../../labs/kit/target.ts';
import { type Architecture, describeArchitecture } from './architecture/index.ts';
import { bootstrapStatus, requireBootstrap, requireNoStrayBootstrapParameter, usableBootstrap, whoAmI } from './aws/account.ts';
import { findLeftovers } from './aws/leftovers.ts';
import { type AwsDeployer, toolkitDeployer } from './aws/toolkit.ts';
import { runCheckpoints } from './checkpoint-run.ts';
import type { Classroom, VerifyRun } from './classroom.ts';
import { publishAssets, publishLargeTemplate } from './deploy/assets.ts';
import { bootstrapEndpoint } from './deploy/bootstrap.ts';
import { describeParameterValues, stackParameterValues } from './deploy/parameters.ts';
import { applyStack, deleteStack, describeStack } from './deploy/stack-operations.ts';
import { buildApp, type StackChoice, type SynthesizedStack, synthesize, WORKSHOP_TAG, WORKSHOP_TAG_VALUE } from './deploy/synth.ts';
import { EngineError, type EngineEvent, errorOf, type Report } from './events.ts';
import { runLabTests } from './lab-tests.ts';
import { labMetrics, type MetricsAnswer, type MetricsRequest } from './metrics.ts';
import { LABS_DIR, loadAllLabs, loadLab, resolveLabId } from './registry.ts';
import { loadStack } from './stack-source.ts';
import { executionHistoryOf, executionsOf, stateMachinesOf } from './state-machines.ts';

/** What the page and the CLI learn about a lab. */
export interface LabSummary {
  id: string;
  slug: string;
  title: string;
  hasStack: boolean;
  steps: { n: number; title: string }[];
  snippets: { name: string; title: string; description: string; source: string; untilStopped: boolean }[];
  checkpoints: { id: string; step: number; title: string; hint: string }[];
}

export interface LabStatus {
  stackName: string;
  deployed: boolean;
  status: string | null;
  outputs: Record<string, string>;
  localUrls: Record<string, string>;
}

export function summarize(lab: LabDefinition): LabSummary {
  return {
    id: lab.id,
    slug: lab.slug,
    title: lab.title,
    hasStack: Boolean(lab.stack),
    steps: lab.steps,
    snippets: lab.snippets.map(({ name, title, description, source, untilStopped }) => ({
      name,
      title,
      description,
      source,
      untilStopped: Boolean(untilStopped),
    })),
    checkpoints: lab.checkpoints.map(({ id, step, title, hint }) => ({ id, step, title, hint })),
  };
}

/**
 * The lab engine: deploy, run a snippet, verify, destroy, status. The CLI and the lab API are two
 * thin faces of it. Everything it does to a target goes through the target's public AWS APIs.
 */
/** Where the engine finds labs: the labs/ folder, or (in tests) definitions given directly. */
export interface LabSource {
  load(id: string): Promise<LabDefinition>;
  all(): Promise<LabDefinition[]>;
  /** The lab's id without loading its files (loading may evaluate them afresh: too much for a chart polled every few seconds). */
  resolveId?(id: string): string;
  /** The folder that holds the labs' files (their stack.ts): labs/ unless given. */
  root?: string;
}

/** The labs in `root`, each loaded from its files (again only after a file under `root` changed). */
export function labsIn(root: string): LabSource {
  return { root, load: (id) => loadLab(id, root), all: () => loadAllLabs(root), resolveId: (id) => resolveLabId(id, root) };
}

export const labsFolder: LabSource = labsIn(LABS_DIR);

/** Choices of one deploy. */
export interface DeployOptions {
  /** Values of the stack's parameters for this deploy, over the lab's values for the target. */
  parameters?: Record<string, string>;
}

export interface EngineOptions {
  /** Asks the user before anything billable is created; without it, the AWS target refuses to deploy. */
  confirm?: (question: string) => Promise<boolean>;
  /** How stacks reach AWS: the CDK toolkit library unless a test gives another. */
  awsDeployer?: AwsDeployer;
  /** The class the learner joined, if any: verify results are reported to it, solutions wait for its release. */
  classroom?: Classroom;
}

export class LabEngine {
  constructor(
    readonly target: Target,
    private readonly source: LabSource = labsFolder,
    private readonly options: EngineOptions = {},
  ) {}

  /** Time between polls of a stack operation: a local cloud answers in milliseconds. */
  private get pollMaxMs(): number {
    return this.target.kind === 'aws' ? 5_000 : 100;
  }

  async labs(): Promise<LabSummary[]> {
    return (await this.source.all()).map(summarize);
  }

  async lab(id: string): Promise<LabDefinition> {
    return this.source.load(id);
  }

  /** Runs `work` and ends with a `done` event whatever happens; never throws. */
  private async operation(
    report: Report,
    work: (started: number) => Promise<Omit<Extract<EngineEvent, { type: 'done' }>, 'type' | 'durationMs'>>,
  ): Promise<boolean> {
    const started = performance.now();
    try {
      const result = await work(started);
      report({ type: 'done', ...result, durationMs: Math.round(performance.now() - started) });
      return result.ok;
    } catch (error) {
      report({ type: 'done', ok: false, durationMs: Math.round(performance.now() - started), error: errorOf(error) });
      return false;
    }
  }

  private async accountId(): Promise<string> {
    const identity = await clientFor(STSClient, this.target).send(new GetCallerIdentityCommand({}));
    return identity.Account!;
  }

  /**
   * Synthesizes the lab and deploys it: the learner's stack.ts, or the solution up to a step. The
   * stack's parameters take the lab's values for this kind of target, or the overrides given.
   */
  deploy(labId: string, choice: StackChoice, report: Report, options: DeployOptions = {}): Promise<boolean> {
    return this.operation(report, async () => {
      const lab = await this.source.load(labId);
      if (choice.solution) await this.options.classroom?.checkSolution(lab.id);
      if (this.target.kind === 'aws') return { ok: true, outputs: await this.deployToAws(lab, choice, report, options) };
      const source = await loadStack(lab, choice, this.source.root);
      report({ type: 'progress', message: `Synthesizing ${source.description}…` });
      const synthesized = synthesize(lab, this.target, source);
      const parameters = this.parameterValues(lab, synthesized.template, options, report);
      const accountId = await this.accountId();
      // Checked on every deploy (two quick calls): the cloud may have been reset since the last one.
      if (await bootstrapEndpoint(clientFor(S3Client, this.target), clientFor(SSMClient, this.target), accountId, this.target.region)) {
        report({
          type: 'progress',
          message: `Bootstrapped ${this.target.endpoint} for CDK deployments (assets bucket and version parameter).`,
        });
      }
      await publishAssets(clientFor(S3Client, this.target), synthesized.assets, accountId, this.target.region, (message) =>
        report({ type: 'progress', message }),
      );
      const templateUrl = await publishLargeTemplate(
        clientFor(S3Client, this.target),
        synthesized,
        { endpoint: this.target.endpoint!, accountId, region: this.target.region },
        (message) => report({ type: 'progress', message }),
      );
      const stack = await applyStack(
        clientFor(CloudFormationClient, this.target),
        {
          stackName: synthesized.stackName,
          templateBody: synthesized.templateBody,
          templateUrl,
          parameters,
          tags: { [WORKSHOP_TAG]: WORKSHOP_TAG_VALUE, 'workshop:lab': lab.id, 'workshop:learner': this.target.prefix },
        },
        report,
        this.pollMaxMs,
      );
      const outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
      return { ok: true, outputs, localUrls: this.localUrls(outputs) };
    });
  }

  /** The values of the parameters `template` declares, reported as progress. */
  private parameterValues(
    lab: LabDefinition,
    template: SynthesizedStack['template'],
    options: DeployOptions,
    report: Report,
  ): Record<string, string> {
    const overrides = options.parameters ?? {};
    const result = stackParameterValues(lab, this.target.kind, Object.keys(template.Parameters ?? {}), overrides);
    const line = describeParameterValues(result, this.target.kind, overrides);
    if (line) report({ type: 'progress', message: line });
    return result.values;
  }

  /** Removes the lab's stack and everything in it. */
  destroy(labId: string, report: Report): Promise<boolean> {
    return this.operation(report, async () => {
      const lab = await this.source.load(labId);
      const stackName = stackNameFor(this.target, lab.id);
      report({ type: 'progress', message: `Destroying ${stackName}…` });
      if (this.target.kind === 'aws') {
        await this.destroyOnAws(lab, report);
        return { ok: true };
      }
      const existed = await deleteStack(clientFor(CloudFormationClient, this.target), stackName, report, this.pollMaxMs);
      report({
        type: 'progress',
        message: existed ? `${stackName} and all its resources are gone.` : `${stackName} was not deployed: nothing to destroy.`,
      });
      return { ok: true };
    });
  }

  private get awsDeployer(): AwsDeployer {
    // CloudFormation on this machine (AWS_ENDPOINT_URL sends the aws target to a local cloud)
    // finishes in milliseconds: no need to poll it at the pace AWS needs.
    const local = isLoopback(awsEndpointOverride('CLOUDFORMATION') ?? '');
    return this.options.awsDeployer ?? toolkitDeployer(local ? { pollingIntervalMs: 250 } : {});
  }

  /**
   * Deploys to AWS with the CDK toolkit library, after showing the account and region and asking
   * before anything billable is created. A missing bootstrap is reported with its fix.
   */
  private async deployToAws(
    lab: LabDefinition,
    choice: StackChoice,
    report: Report,
    options: DeployOptions,
  ): Promise<Record<string, string>> {
    const stackName = stackNameFor(this.target, lab.id);
    const { account, arn } = await whoAmI(this.target);
    report({ type: 'progress', message: `AWS account ${account} (${arn}), region ${this.target.region}` });
    await requireBootstrap(this.target, account);
    const question = `Deploy ${stackName} to AWS account ${account} in ${this.target.region}? It creates resources that AWS bills (tagged ${WORKSHOP_TAG}=${WORKSHOP_TAG_VALUE}, learner ${this.target.prefix}).`;
    if (!this.options.confirm || !(await this.options.confirm(question))) {
      throw new EngineError(
        'NotConfirmed',
        `Nothing was deployed: deploying to AWS needs your confirmation${this.options.confirm ? '' : ' (pass --yes to confirm in a script)'}.`,
      );
    }
    const stack = await loadStack(lab, choice, this.source.root);
    // Which parameters this stack declares (a later step may add one), from a synth in this process.
    const parameters = lab.parameters
      ? this.parameterValues(lab, synthesize(lab, this.target, stack).template, options, report)
      : undefined;
    report({ type: 'progress', message: `Deploying ${stack.description} as ${stackName} with the CDK toolkit…` });
    return this.awsDeployer.deploy(
      (outdir, context, acct) => buildApp(lab, this.target, stack, { outdir, context, account: acct ?? account }),
      stackName,
      report,
      parameters,
    );
  }

  /** Destroys on AWS, then lists anything the workshop tagged for this learner that still exists. */
  private async destroyOnAws(lab: LabDefinition, report: Report): Promise<void> {
    const stackName = stackNameFor(this.target, lab.id);
    const { account } = await whoAmI(this.target);
    report({ type: 'progress', message: `AWS account ${account}, region ${this.target.region}` });
    // Any stack of the lab names the stack to destroy; the starter as shipped always builds,
    // whatever state the learner's stack.ts is in.
    const stack = await loadStack(lab, { solution: true, step: 0 }, this.source.root);
    await this.awsDeployer.destroy(
      (outdir, context, acct) => buildApp(lab, this.target, stack, { outdir, context, account: acct ?? account }),
      stackName,
      report,
    );
    const left = await findLeftovers(this.target, lab.id, await this.functionNames(lab));
    if (left.length === 0)
      report({
        type: 'progress',
        message: `Nothing of ${lab.id} for learner ${this.target.prefix} is left in ${this.target.region}: no tagged resource, no function log group.`,
      });
    else {
      report({
        type: 'progress',
        message: `Still there for ${lab.id} (AWS can take a few minutes to forget deleted resources; check again with npx workshop leftovers --target aws):`,
      });
      for (const resource of left) report({ type: 'output', line: `  ${resource}` });
    }
  }

  /** Creates the CDK bootstrap stack in the target's account and region, after confirmation. */
  bootstrap(report: Report): Promise<boolean> {
    return this.operation(report, async () => {
      if (this.target.kind !== 'aws')
        throw new EngineError(
          'NotNeeded',
          'Only AWS accounts need a CDK bootstrap; the deployer prepares local and endpoint targets itself.',
        );
      const { account } = await whoAmI(this.target);
      const status = await bootstrapStatus(this.target);
      if (usableBootstrap(status)) {
        report({
          type: 'progress',
          message: `Account ${account} is already bootstrapped in ${this.target.region} (CDKToolkit is ${status}).`,
        });
        return { ok: true };
      }
      await requireNoStrayBootstrapParameter(this.target);
      if (
        !this.options.confirm ||
        !(await this.options.confirm(
          `Bootstrap the CDK in AWS account ${account}, region ${this.target.region}? It creates an S3 bucket, an ECR repository and IAM roles.`,
        ))
      ) {
        throw new EngineError('NotConfirmed', 'Nothing was created: bootstrapping needs your confirmation (pass --yes in a script).');
      }
      await this.awsDeployer.bootstrap(account, this.target.region, report);
      return { ok: true };
    });
  }

  /** Lists what the workshop tagged for this learner and still exists (AWS target). */
  async leftovers(labId?: string): Promise<string[]> {
    if (this.target.kind !== 'aws')
      throw new EngineError('NotNeeded', 'The leftovers check looks in an AWS account; locally, npx workshop reset empties everything.');
    if (!labId) return findLeftovers(this.target);
    const lab = await this.source.load(labId);
    return findLeftovers(this.target, lab.id, await this.functionNames(lab));
  }

  /** The names of every function the lab's full solution creates (they carry the learner's prefix). */
  private async functionNames(lab: LabDefinition): Promise<string[]> {
    if (!lab.stack) return [];
    const { template } = synthesize(
      lab,
      this.target,
      await loadStack(lab, { solution: true, step: Number.POSITIVE_INFINITY }, this.source.root),
    );
    return Object.values<{ Type: string; Properties?: { FunctionName?: unknown } }>(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function' && typeof r.Properties?.FunctionName === 'string')
      .map((r) => r.Properties!.FunctionName as string);
  }

  /** Where the lab's stack stands, with its outputs. */
  async status(labId: string): Promise<LabStatus> {
    const lab = await this.source.load(labId);
    const stackName = stackNameFor(this.target, lab.id);
    const stack = await describeStack(clientFor(CloudFormationClient, this.target), stackName);
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
    const deployed = Boolean(stack && ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'].includes(stack.StackStatus!));
    return { stackName, deployed, status: stack?.StackStatus ?? null, outputs, localUrls: this.localUrls(outputs) };
  }

  /**
   * The stack name of a lab, from what a user typed (`lab-4`, `4`). A lab's id never changes while
   * the engine runs, so it is resolved once: the page's execution view asks on every event, and
   * loading the lab's files each time would cost a compile.
   */
  private async stackNameOf(labId: string): Promise<string> {
    let id = this.labIds.get(labId);
    if (!id) {
      id = (await this.source.load(labId)).id;
      this.labIds.set(labId, id);
    }
    return stackNameFor(this.target, id);
  }

  private readonly labIds = new Map<string, string>();

  /** The Step Functions state machines of the lab's stack, with their definitions (the page's execution view). */
  async stateMachines(labId: string) {
    return stateMachinesOf(this.target, await this.stackNameOf(labId));
  }

  /** The newest executions of the lab's state machines, newest first. */
  async executions(labId: string, options: { stateMachineArn?: string; max?: number } = {}) {
    return executionsOf(this.target, await this.stackNameOf(labId), options);
  }

  /** One execution of the lab's state machines, with its whole history. */
  async executionHistory(labId: string, executionArn: string) {
    return executionHistoryOf(this.target, await this.stackNameOf(labId), executionArn);
  }

  /** The lab's deployed resources and the links between them, for the live diagram. */
  async architecture(labId: string): Promise<Architecture> {
    const lab = await this.source.load(labId);
    return describeArchitecture(this.target, lab.id, stackNameFor(this.target, lab.id));
  }

  /** Invoke URLs of API Gateway outputs as this target serves them. */
  private localUrls(outputs: Record<string, string>): Record<string, string> {
    const urls: Record<string, string> = {};
    for (const [key, value] of Object.entries(outputs)) {
      const translated = invokeUrlOn(this.target, value);
      if (translated !== value) urls[key] = translated;
    }
    return urls;
  }

  private context(lab: LabDefinition, print: (line: string) => void, signal: AbortSignal) {
    return { target: this.target, labId: lab.id, stackName: stackNameFor(this.target, lab.id), print, signal };
  }

  /** Runs one named snippet of a lab, streaming what it prints. */
  run(labId: string, snippetName: string, report: Report, signal = new AbortController().signal): Promise<boolean> {
    return this.operation(report, async () => {
      const lab = await this.source.load(labId);
      const snippet = lab.snippets.find((s) => s.name === snippetName);
      if (!snippet)
        throw new EngineError(
          'UnknownSnippet',
          `${lab.id} has no snippet "${snippetName}". Its snippets: ${lab.snippets.map((s) => s.name).join(', ') || 'none'}.`,
        );
      await withLabContext(
        this.context(lab, (line) => report({ type: 'output', line }), signal),
        () => snippet.run(),
      );
      return { ok: true };
    });
  }

  /** Runs the learner's own tests of the lab (labs/<lab>/tests/*.ts) against the lab's target. */
  test(labId: string, report: Report, signal = new AbortController().signal): Promise<boolean> {
    return this.operation(report, async () => {
      const lab = await this.source.load(labId);
      const { ok } = await runLabTests(lab, this.target, report, signal);
      return {
        ok,
        ...(ok ? {} : { error: { code: 'TestsFailed', message: 'Some of your tests fail: their report above says which, and why.' } }),
      };
    });
  }

  /** CloudWatch metrics of the lab's resources (named by its stack outputs), for a chart. */
  async metrics(labId: string, request: MetricsRequest): Promise<MetricsAnswer> {
    const id = this.source.resolveId?.(labId) ?? (await this.source.load(labId)).id;
    return labMetrics(this.target, request, async () => {
      const stack = await describeStack(clientFor(CloudFormationClient, this.target), stackNameFor(this.target, id));
      if (!stack || !['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'].includes(stack.StackStatus!))
        throw new EngineError('NotDeployed', `${id} is not deployed: deploy it to see its metrics.`);
      return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
    });
  }

  /** Runs the lab's checkpoints in order (optionally those of one step), reporting each. */
  async verify(labId: string, report: Report, options: { step?: number; signal?: AbortSignal } = {}): Promise<boolean> {
    let run: VerifyRun | undefined;
    const ok = await this.operation(report, async (started) => {
      const lab = await this.source.load(labId);
      const checkpoints = lab.checkpoints.filter((c) => options.step === undefined || c.step === options.step);
      let passed = 0;
      const context = this.context(lab, () => undefined, options.signal ?? new AbortController().signal);
      run = { lab: lab.id, step: options.step, at: Date.now(), durationMs: 0, checkpoints: [] };
      await runCheckpoints(checkpoints, context, (checkpoint, { ok, detail, durationMs }) => {
        if (ok) passed++;
        run!.checkpoints.push({ id: checkpoint.id, step: checkpoint.step, ok, durationMs });
        report({
          type: 'checkpoint',
          id: checkpoint.id,
          step: checkpoint.step,
          title: checkpoint.title,
          hint: checkpoint.hint,
          ok,
          detail,
        });
      });
      run.durationMs = Math.round(performance.now() - started);
      return { ok: passed === checkpoints.length, passed, total: checkpoints.length };
    });
    // Results only (ids, pass or fail, timings): never a checkpoint's detail, which can quote
    // resources. A run the learner cancelled proves nothing and is not reported.
    if (run && run.checkpoints.length > 0 && !options.signal?.aborted) await this.options.classroom?.verified(run);
    return ok;
  }
}
