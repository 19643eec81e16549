import type { IIoHost, IoMessage, IoRequest, Toolkit } from '@aws-cdk/toolkit-lib';
import type { App } from 'aws-cdk-lib';
import { LAB_STACK_ID } from '../deploy/synth.ts';
import type { Report } from '../events.ts';

/** Deploys to AWS; the CDK toolkit library in the product, a fake in tests of the logic around it. */
export interface AwsDeployer {
  /** `parameters`: every value the stack's parameters take in this deploy (the others: their defaults). */
  deploy(
    build: (outdir: string, context: Record<string, unknown>, account?: string) => App,
    stackName: string,
    report: Report,
    parameters?: Record<string, string>,
  ): Promise<Record<string, string>>;
  destroy(
    build: (outdir: string, context: Record<string, unknown>, account?: string) => App,
    stackName: string,
    report: Report,
  ): Promise<void>;
  bootstrap(account: string, region: string, report: Report): Promise<void>;
}

/** Forwards the toolkit's messages as progress; approvals were given before (the engine asked). */
function ioHost(report: Report): IIoHost {
  return {
    async notify(message: IoMessage<unknown>) {
      if (message.level === 'trace' || message.level === 'debug') return;
      const text = String(message.message ?? '').trim();
      if (text) report({ type: 'progress', message: text });
    },
    async requestResponse<T>(request: IoRequest<unknown, T>): Promise<T> {
      // The only approval the toolkit asks for here is for security-sensitive changes, which the
      // engine's confirmation (account, region, billable resources) already covered.
      if (typeof request.defaultResponse === 'boolean') return true as T;
      return request.defaultResponse;
    },
  };
}

// Loaded on first use: the library is large, and only the AWS target needs it.
const library = () => import('@aws-cdk/toolkit-lib');

export interface ToolkitOptions {
  /** How often the toolkit polls CloudFormation while a stack changes (the toolkit's default: 2 s, and 5 s while it waits for the end). */
  pollingIntervalMs?: number;
}

/** The CDK toolkit library: deploys, destroys and bootstraps as `cdk deploy` does, no CLI needed. */
export function toolkitDeployer(options: ToolkitOptions = {}): AwsDeployer {
  const stackEventPollingInterval = options.pollingIntervalMs;
  const toolkit = async (report: Report) => new (await library()).Toolkit({ ioHost: ioHost(report), emojis: false, color: false });
  const source = (cdk: Toolkit, build: Parameters<AwsDeployer['deploy']>[0]) =>
    cdk.fromAssemblyBuilder(async (props) => build(props.outdir!, props.context ?? {}, props.env?.CDK_DEFAULT_ACCOUNT).synth());
  return {
    async deploy(build, stackName, report, parameters) {
      const cdk = await toolkit(report);
      const { StackSelectionStrategy, StackParameters } = await library();
      // The toolkit selects stacks by their path in the app, not by their CloudFormation name.
      const result = await cdk.deploy(await source(cdk, build), {
        stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH_SINGLE, patterns: [LAB_STACK_ID] },
        stackEventPollingInterval,
        // Exactly these values, not the previous deploy's: each deploy states its parameters.
        ...(parameters ? { parameters: StackParameters.exactly(parameters) } : {}),
      });
      return result.stacks.find((s) => s.stackName === stackName)?.outputs ?? {};
    },
    async destroy(build, _stackName, report) {
      const cdk = await toolkit(report);
      const { StackSelectionStrategy } = await library();
      await cdk.destroy(await source(cdk, build), {
        stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH_SINGLE, patterns: [LAB_STACK_ID] },
        stackEventPollingInterval,
      });
    },
    async bootstrap(account, region, report) {
      const { BootstrapEnvironments } = await library();
      await (await toolkit(report)).bootstrap(BootstrapEnvironments.fromList([`aws://${account}/${region}`]));
    },
  };
}
