import { randomUUID } from 'node:crypto';

import { fileURLToPath } from 'node:url';
import type { ActivityStream } from '../../activity/stream.ts';
import { arn, LOCAL_ACCOUNT_ID, parseArn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import type { RestRoute } from '../../aws/http.ts';
import type { Delivery, Principal } from '../../delivery/delivery.ts';
import { type Ledger, UnsavedLedger } from '../../persistence/ledger.ts';
import type { LogsService } from '../logs/service.ts';
import { type FunctionCode, type ObjectReader, prepareCode } from './code.ts';
import { type PermissionStatement, statementFrom } from './permissions.ts';
import { EnvironmentBudget, type EnvironmentLimits, EnvironmentPool, type InvocationReport } from './pool.ts';

// LIMITATIONS: zip-packaged Node.js functions only (nodejs20.x and newer, run on the cloud's own
// Node.js); $LATEST only (no versions or aliases); asynchronous retries wait 1 s and 2 s instead
// of about 1 and 2 minutes, so a lab observes them while it runs (throttled ones from 1 s to 5 s
// instead of from 1 s to 5 minutes); destination records are sent without checking the execution
// role's permissions for them; a function without reserved concurrency runs in at most 10
// processes, and invocations beyond them wait for one instead of each getting an environment of
// its own (their latency shows it, not a throttle).

const PROJECT_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));
const RESERVED_ENV = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
];
/**
 * A function without reserved concurrency: AWS's account pool of 1,000 concurrent invocations
 * (throttled beyond it), run here by at most 10 processes; invocations beyond those wait for one
 * that is free. A laptop has room for fewer processes than AWS has environments, but AWS would
 * not throttle ten, so neither does the local cloud.
 */
const UNRESERVED = { maxConcurrency: 1_000, maxEnvironments: 10 };

/** The origin of the local cloud's queue URLs in a region (fauxqs's form, on the gateway's port). */
function sqsEndpoint(endpoint: string, region: string): string {
  const url = new URL(endpoint);
  return `${url.protocol}//sqs.${region}.${url.hostname}${url.port ? `:${url.port}` : ''}`;
}

export interface FunctionRecord {
  name: string;
  arn: string;
  runtime: string;
  handler: string;
  role: string;
  description: string;
  timeout: number;
  memorySize: number;
  environment: Record<string, string>;
  code: FunctionCode;
  lastModified: string;
  revisionId: string;
  policy: PermissionStatement[];
  reservedConcurrency?: number;
  /** LoggingConfig.LogGroup: where the function's output goes; default /aws/lambda/<name>. */
  logGroup?: string;
  eventInvokeConfig: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number; DestinationConfig?: any };
  tags: Record<string, string>;
}

const notFound = (name: string, context: Pick<RequestContext, 'region'>) =>
  new AwsError(
    'ResourceNotFoundException',
    `Function not found: arn:aws:lambda:${context.region}:${LOCAL_ACCOUNT_ID}:function:${name}`,
    404,
  );
const invalidValue = (message: string) => new AwsError('InvalidParameterValueException', message, 400);

/** An asynchronous invocation Lambda still owes: kept in a ledger until it is done. */
export interface AsyncInvocation {
  id: string;
  functionName: string;
  event: unknown;
  trigger: string;
  /** When it was queued (epoch ms): MaximumEventAgeInSeconds counts from here. */
  enqueued: number;
  /** Attempts that failed so far. */
  attempts: number;
  /** Attempts throttled so far (they use up no attempt, but each waits longer). */
  throttles?: number;
}

export interface LambdaOptions {
  activity: ActivityStream;
  logs: LogsService;
  readObject: ObjectReader;
  /** Where extracted function code lives. */
  codeRoot: string;
  /** The endpoint handlers' SDK clients call (AWS_ENDPOINT_URL inside the function). */
  endpoint: () => string;
  /** Delays before asynchronous retries. */
  asyncRetryDelaysMs?: number[];
  /** Sends invocation records to on-success and on-failure destinations. */
  delivery?: Delivery;
  /** Where queued asynchronous invocations are kept until they are done. */
  asyncInvocations?: Ledger<AsyncInvocation>;
  /** Limits of the execution environments, all functions together. */
  environments?: EnvironmentLimits;
  /** The most heap (MiB) one environment gets, whatever its function's MemorySize. */
  maxHeapMb?: number;
}

/** AWS Lambda: functions from zip code, synchronous and asynchronous invokes, resource policies, logs. */
export class LambdaService {
  readonly functions = new Map<string, FunctionRecord>();
  /** The execution environments of each function, by name: live processes, never saved. */
  private readonly pools = new Map<string, EnvironmentPool>();
  /** Every function's execution environments together, within the machine's limits. */
  readonly environments: EnvironmentBudget;
  private readonly asyncInvocations: Ledger<AsyncInvocation>;
  private asyncSequence = 0;
  /** Set by stop: an invocation still arriving (a poller's last batch, a retry) starts no process. */
  private stopped = false;

  constructor(private readonly options: LambdaOptions) {
    this.asyncInvocations = options.asyncInvocations ?? new UnsavedLedger();
    this.environments = new EnvironmentBudget(options.environments ?? { maxEnvironments: 20, idleMs: 120_000 });
  }

  readonly routes: RestRoute[] = [
    {
      method: 'POST',
      path: '/2015-03-31/functions',
      action: 'CreateFunction',
      handler: async (r, c) => ({ status: 201, body: this.configuration(await this.createFunction(r.json, c)) }),
    },
    {
      method: 'GET',
      path: '/2015-03-31/functions',
      action: 'ListFunctions',
      handler: () => ({ body: { Functions: [...this.functions.values()].map((f) => this.configuration(f)) } }),
    },
    {
      method: 'GET',
      path: '/2015-03-31/functions/{FunctionName}',
      action: 'GetFunction',
      handler: (r, c) => ({ body: this.getFunction(this.fn(r.params.FunctionName, c)) }),
    },
    {
      method: 'DELETE',
      path: '/2015-03-31/functions/{FunctionName}',
      action: 'DeleteFunction',
      handler: (r, c) => ({ status: 204, body: this.deleteFunction(this.fn(r.params.FunctionName, c)) }),
    },
    {
      method: 'GET',
      path: '/2015-03-31/functions/{FunctionName}/configuration',
      action: 'GetFunctionConfiguration',
      handler: (r, c) => ({ body: this.configuration(this.fn(r.params.FunctionName, c)) }),
    },
    {
      method: 'PUT',
      path: '/2015-03-31/functions/{FunctionName}/configuration',
      action: 'UpdateFunctionConfiguration',
      handler: (r, c) => ({ body: this.configuration(this.updateConfiguration(this.fn(r.params.FunctionName, c), r.json)) }),
    },
    {
      method: 'PUT',
      path: '/2015-03-31/functions/{FunctionName}/code',
      action: 'UpdateFunctionCode',
      handler: async (r, c) => ({ body: this.configuration(await this.updateCode(this.fn(r.params.FunctionName, c), r.json)) }),
    },
    {
      method: 'POST',
      path: '/2015-03-31/functions/{FunctionName}/invocations',
      action: 'Invoke',
      handler: (r, c) => this.invokeRoute(this.fn(r.params.FunctionName, c), r.headers, r.body),
    },
    {
      method: 'POST',
      path: '/2015-03-31/functions/{FunctionName}/policy',
      action: 'AddPermission',
      handler: (r, c) => ({ status: 201, body: this.addPermission(this.fn(r.params.FunctionName, c), r.json) }),
    },
    {
      method: 'GET',
      path: '/2015-03-31/functions/{FunctionName}/policy',
      action: 'GetPolicy',
      handler: (r, c) => ({ body: this.getPolicy(this.fn(r.params.FunctionName, c)) }),
    },
    {
      method: 'DELETE',
      path: '/2015-03-31/functions/{FunctionName}/policy/{StatementId}',
      action: 'RemovePermission',
      handler: (r, c) => ({ status: 204, body: this.removePermission(this.fn(r.params.FunctionName, c), r.params.StatementId) }),
    },
    {
      method: 'PUT',
      path: '/2017-10-31/functions/{FunctionName}/concurrency',
      action: 'PutFunctionConcurrency',
      handler: (r, c) => ({ body: this.putConcurrency(this.fn(r.params.FunctionName, c), r.json) }),
    },
    {
      method: 'DELETE',
      path: '/2017-10-31/functions/{FunctionName}/concurrency',
      action: 'DeleteFunctionConcurrency',
      handler: (r, c) => ({ status: 204, body: this.putConcurrency(this.fn(r.params.FunctionName, c), {}) }),
    },
    {
      method: 'GET',
      path: '/2019-09-30/functions/{FunctionName}/concurrency',
      action: 'GetFunctionConcurrency',
      handler: (r, c) => ({ body: this.getConcurrency(this.fn(r.params.FunctionName, c)) }),
    },
    {
      method: 'PUT',
      path: '/2019-09-25/functions/{FunctionName}/event-invoke-config',
      action: 'PutFunctionEventInvokeConfig',
      handler: (r, c) => ({ body: this.putEventInvokeConfig(this.fn(r.params.FunctionName, c), r.json) }),
    },
    {
      method: 'GET',
      path: '/2019-09-25/functions/{FunctionName}/event-invoke-config',
      action: 'GetFunctionEventInvokeConfig',
      handler: (r, c) => ({ body: this.getEventInvokeConfig(this.fn(r.params.FunctionName, c)) }),
    },
    {
      method: 'DELETE',
      path: '/2019-09-25/functions/{FunctionName}/event-invoke-config',
      action: 'DeleteFunctionEventInvokeConfig',
      handler: (r, c) => ({ status: 204, body: this.deleteEventInvokeConfig(this.fn(r.params.FunctionName, c)) }),
    },
    {
      method: 'GET',
      path: '/2017-03-31/tags/{Resource+}',
      action: 'ListTags',
      handler: (r, c) => ({ body: { Tags: this.fn(r.params.Resource, c).tags } }),
    },
    {
      method: 'POST',
      path: '/2017-03-31/tags/{Resource+}',
      action: 'TagResource',
      handler: (r, c) => ({ status: 204, body: void Object.assign(this.fn(r.params.Resource, c).tags, r.json.Tags) }),
    },
    {
      method: 'DELETE',
      path: '/2017-03-31/tags/{Resource+}',
      action: 'UntagResource',
      handler: (r, c) => {
        const fn = this.fn(r.params.Resource, c);
        for (const key of r.query.getAll('tagKeys')) delete fn.tags[key];
        return { status: 204 };
      },
    },
  ];

  /** Finds a function by name, ARN or partial ARN (qualifiers other than $LATEST are refused). */
  fn(nameOrArn: string, context: Pick<RequestContext, 'region'>): FunctionRecord {
    let name = nameOrArn;
    const parsed = parseArn(nameOrArn);
    if (parsed) name = parsed.resource.split(':')[1] ?? '';
    else if (nameOrArn.includes(':'))
      name = nameOrArn.split(':').find((_part, i, all) => all[i - 1] === 'function') ?? nameOrArn.split(':')[0];
    const fn = this.functions.get(name);
    if (!fn) throw notFound(name, context);
    return fn;
  }

  async createFunction(input: any, context: RequestContext): Promise<FunctionRecord> {
    const name = String(input.FunctionName ?? '');
    if (!/^[a-zA-Z0-9-_]{1,64}$/.test(name))
      throw invalidValue(
        `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
      );
    if (this.functions.has(name)) throw new AwsError('ResourceConflictException', `Function already exist: ${name}`, 409);
    if (input.PackageType === 'Image')
      throw invalidValue('The local cloud runs zip-packaged functions only; PackageType Image is not supported.');
    validateRuntime(input.Runtime);
    if (!input.Role || !parseArn(input.Role)) throw invalidValue('The role defined for the function cannot be assumed by Lambda.');
    if (!input.Handler) throw invalidValue('Handler is required for zip-packaged functions.');
    const environment = validateEnvironment(input.Environment?.Variables ?? {});
    const code = await prepareCode(input.Code, this.options.codeRoot, this.options.readObject);
    const fn: FunctionRecord = {
      name,
      arn: arn('lambda', context, `function:${name}`),
      runtime: input.Runtime,
      handler: input.Handler,
      role: input.Role,
      description: input.Description ?? '',
      timeout: validateTimeout(input.Timeout ?? 3),
      memorySize: validateMemory(input.MemorySize ?? 128),
      environment,
      code,
      lastModified: lambdaTimestamp(),
      revisionId: randomUUID(),
      policy: [],
      eventInvokeConfig: {},
      tags: input.Tags ?? {},
      logGroup: validateLoggingConfig(input.LoggingConfig),
    };
    this.functions.set(name, fn);
    this.options.activity.emit('lambda.function-created', fn.arn);
    return fn;
  }

  private deleteFunction(fn: FunctionRecord) {
    this.stopEnvironments(fn);
    this.functions.delete(fn.name);
    this.options.activity.emit('lambda.function-deleted', fn.arn);
    return undefined;
  }

  updateConfiguration(fn: FunctionRecord, input: any): FunctionRecord {
    if (input.Runtime !== undefined) fn.runtime = validateRuntime(input.Runtime);
    if (input.Handler !== undefined) fn.handler = input.Handler;
    if (input.Role !== undefined) fn.role = input.Role;
    if (input.Description !== undefined) fn.description = input.Description;
    if (input.Timeout !== undefined) fn.timeout = validateTimeout(input.Timeout);
    if (input.MemorySize !== undefined) fn.memorySize = validateMemory(input.MemorySize);
    if (input.Environment !== undefined) fn.environment = validateEnvironment(input.Environment?.Variables ?? {});
    if (input.LoggingConfig !== undefined) fn.logGroup = validateLoggingConfig(input.LoggingConfig);
    this.changed(fn);
    return fn;
  }

  async updateCode(fn: FunctionRecord, input: any): Promise<FunctionRecord> {
    fn.code = await prepareCode(input, this.options.codeRoot, this.options.readObject);
    this.changed(fn);
    return fn;
  }

  /** A changed function starts new environments: the next invocation is a cold start, as on AWS. */
  private changed(fn: FunctionRecord): void {
    this.stopEnvironments(fn);
    fn.lastModified = lambdaTimestamp();
    fn.revisionId = randomUUID();
    this.options.activity.emit('lambda.function-updated', fn.arn);
  }

  configuration(fn: FunctionRecord) {
    return {
      FunctionName: fn.name,
      FunctionArn: fn.arn,
      Runtime: fn.runtime,
      Role: fn.role,
      Handler: fn.handler,
      CodeSize: fn.code.size,
      CodeSha256: fn.code.sha256,
      Description: fn.description,
      Timeout: fn.timeout,
      MemorySize: fn.memorySize,
      LastModified: fn.lastModified,
      Version: '$LATEST',
      Environment: Object.keys(fn.environment).length > 0 ? { Variables: fn.environment } : undefined,
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: fn.revisionId,
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: ['x86_64'],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: { LogFormat: 'Text', LogGroup: logGroupOf(fn) },
    };
  }

  private getFunction(fn: FunctionRecord) {
    return {
      Configuration: this.configuration(fn),
      Code: {
        RepositoryType: 'S3',
        Location: fn.code.location.bucket ? `${this.options.endpoint()}/${fn.code.location.bucket}/${fn.code.location.key}` : undefined,
      },
      Tags: fn.tags,
      ...(fn.reservedConcurrency !== undefined ? { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } } : {}),
    };
  }

  private addPermission(fn: FunctionRecord, input: any) {
    if (fn.policy.some((s) => s.Sid === input.StatementId)) {
      throw new AwsError(
        'ResourceConflictException',
        `The statement id (${input.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
        409,
      );
    }
    const statement = statementFrom(input, fn.arn);
    fn.policy.push(statement);
    return { Statement: JSON.stringify(statement) };
  }

  private getPolicy(fn: FunctionRecord) {
    if (fn.policy.length === 0) throw new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
    return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: fn.policy }), RevisionId: fn.revisionId };
  }

  private removePermission(fn: FunctionRecord, statementId: string) {
    const index = fn.policy.findIndex((s) => s.Sid === statementId);
    if (index < 0) throw new AwsError('ResourceNotFoundException', 'Statement not found', 404);
    fn.policy.splice(index, 1);
    return undefined;
  }

  private putConcurrency(fn: FunctionRecord, input: any) {
    const value = input.ReservedConcurrentExecutions;
    if (value !== undefined && (!Number.isInteger(value) || value < 0))
      throw invalidValue('ReservedConcurrentExecutions must be a non-negative integer.');
    fn.reservedConcurrency = value;
    this.pools.get(fn.name)?.setLimits(this.limitsOf(fn));
    return value === undefined ? undefined : { ReservedConcurrentExecutions: value };
  }

  private getConcurrency(fn: FunctionRecord) {
    return fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency };
  }

  private putEventInvokeConfig(fn: FunctionRecord, input: any) {
    const retries = input.MaximumRetryAttempts;
    if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 2))
      throw invalidValue('MaximumRetryAttempts must be between 0 and 2.');
    const age = input.MaximumEventAgeInSeconds;
    if (age !== undefined && (!Number.isInteger(age) || age < 60 || age > 21_600))
      throw invalidValue('MaximumEventAgeInSeconds must be between 60 and 21600.');
    for (const side of ['OnSuccess', 'OnFailure'] as const) {
      const destination: string | undefined = input.DestinationConfig?.[side]?.Destination;
      const service = destination ? parseArn(destination)?.service : undefined;
      const bus = service === 'events' && destination?.includes(':event-bus/');
      if (destination && !bus && !['sqs', 'sns', 'lambda'].includes(service ?? '')) {
        throw invalidValue(
          `The local cloud delivers ${side} destinations to SQS queues, SNS topics, Lambda functions and EventBridge event buses; ${destination} is not one.`,
        );
      }
    }
    fn.eventInvokeConfig = { MaximumRetryAttempts: retries, MaximumEventAgeInSeconds: age, DestinationConfig: input.DestinationConfig };
    return this.getEventInvokeConfig(fn);
  }

  private getEventInvokeConfig(fn: FunctionRecord) {
    return { FunctionArn: fn.arn, LastModified: Date.now() / 1000, ...fn.eventInvokeConfig };
  }

  private deleteEventInvokeConfig(fn: FunctionRecord) {
    fn.eventInvokeConfig = {};
    return undefined;
  }

  private limitsOf(fn: FunctionRecord) {
    const reserved = fn.reservedConcurrency;
    return reserved === undefined ? UNRESERVED : { maxConcurrency: reserved, maxEnvironments: reserved };
  }

  private stopEnvironments(fn: FunctionRecord): void {
    this.pools.get(fn.name)?.shutdown();
    this.pools.delete(fn.name);
  }

  /** How many execution environments (processes) a function has now. */
  environmentCount(functionName: string): number {
    return this.pools.get(functionName)?.size ?? 0;
  }

  private poolOf(fn: FunctionRecord): EnvironmentPool {
    let pool = this.pools.get(fn.name);
    if (!pool) {
      const logGroup = logGroupOf(fn);
      const region = parseArn(fn.arn)!.region;
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        LANG: 'en_US.UTF-8',
        TZ: ':UTC',
        NODE_PATH: PROJECT_NODE_MODULES,
        AWS_ENDPOINT_URL: this.options.endpoint(),
        // The local cloud's queue URLs are http://sqs.<region>.localhost:<port>/<account>/<name>, and
        // the SDK sends to a queue URL's own origin unless it is the endpoint it resolved: giving SQS
        // that origin as its endpoint keeps the SDK quiet, and the runtime resolves *.localhost.
        AWS_ENDPOINT_URL_SQS: sqsEndpoint(this.options.endpoint(), region),
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        AWS_LAMBDA_LOG_GROUP_NAME: logGroup,
        LAMBDA_TASK_ROOT: fn.code.dir,
        LAMBDA_RUNTIME_DIR: fileURLToPath(new URL('./runtime', import.meta.url)),
        _HANDLER: fn.handler,
        ...fn.environment,
      };
      pool = new EnvironmentPool(
        {
          functionName: fn.name,
          functionArn: fn.arn,
          codeDir: fn.code.dir,
          handler: fn.handler,
          memoryMb: fn.memorySize,
          heapMb: Math.min(fn.memorySize, this.options.maxHeapMb ?? fn.memorySize),
          env,
        },
        this.limitsOf(fn),
        (stream, line) =>
          this.options.logs.append(logGroup, stream, { region, accountId: LOCAL_ACCOUNT_ID }, [{ timestamp: Date.now(), message: line }]),
        this.environments,
      );
      this.pools.set(fn.name, pool);
    }
    return pool;
  }

  /** Runs one invocation and reports it on the event stream. */
  async run(fn: FunctionRecord, event: unknown, trigger: string): Promise<InvocationReport> {
    if (this.stopped)
      return {
        requestId: randomUUID(),
        durationMs: 0,
        coldStart: false,
        error: { errorType: 'ServiceException', errorMessage: 'The local cloud is stopping.' },
      };
    const report = await this.poolOf(fn).invoke(event, fn.timeout * 1000);
    const detail = {
      requestId: report.requestId,
      trigger,
      durationMs: Math.round(report.durationMs * 100) / 100,
      coldStart: report.coldStart,
    };
    if (report.throttled) this.options.activity.emit('lambda.throttled', fn.arn, detail);
    else if (report.timedOut) this.options.activity.emit('lambda.timed-out', fn.arn, { ...detail, error: report.error });
    else if (report.error) this.options.activity.emit('lambda.failed', fn.arn, { ...detail, error: report.error });
    else this.options.activity.emit('lambda.invoked', fn.arn, detail);
    return report;
  }

  private async invokeRoute(fn: FunctionRecord, headers: Record<string, any>, body: Buffer) {
    const type = headers['x-amz-invocation-type'] ?? 'RequestResponse';
    let event: unknown = {};
    if (body.length > 0) {
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        throw new AwsError('InvalidRequestContentException', 'Could not parse request body into json: Unexpected character', 400);
      }
    }
    if (body.length > 6 * 1024 * 1024)
      throw new AwsError('RequestTooLargeException', 'Request must be smaller than 6291456 bytes for the InvokeFunction operation', 413);
    if (type === 'DryRun') return { status: 204 };
    if (type === 'Event') {
      if (body.length > 1024 * 1024)
        throw new AwsError('RequestTooLargeException', 'Request must be smaller than 1048576 bytes for the asynchronous invocation', 413);
      this.enqueueAsync(fn, event, 'api');
      return { status: 202, headers: { 'x-amz-executed-version': '$LATEST' } };
    }
    if (type !== 'RequestResponse') throw invalidValue(`Invalid invocation type ${type}`);
    const report = await this.run(fn, event, 'api');
    if (report.throttled) throw new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429);
    const out: Record<string, string> = { 'x-amz-executed-version': '$LATEST' };
    if (report.error) out['x-amz-function-error'] = 'Unhandled';
    const payload = report.error ? JSON.stringify(report.error) : JSON.stringify(report.result ?? null);
    return { status: 200, headers: out, body: payload };
  }

  /**
   * Asynchronous invocation, as for SNS, S3 and EventBridge: Lambda queues the event and retries
   * a failure twice by default (MaximumRetryAttempts), then drops it or sends it to the
   * on-failure destination. It is Lambda, not the caller, that retries. The event is in the
   * ledger of asynchronous invocations until it is done, so one queued before a crash still runs.
   */
  enqueueAsync(fn: FunctionRecord, event: unknown, trigger: string): void {
    const invocation: AsyncInvocation = {
      id: `${String(Date.now()).padStart(15, '0')}.${String(++this.asyncSequence).padStart(10, '0')}`,
      functionName: fn.name,
      event,
      trigger,
      enqueued: Date.now(),
      attempts: 0,
    };
    this.asyncInvocations.put(invocation.id, invocation);
    setImmediate(() => void this.runAsync(invocation));
  }

  /** Forgets every queued asynchronous invocation (reset). */
  forgetAsync(): void {
    this.asyncInvocations.clear();
  }

  /** Runs what the ledger still held when the cloud stopped or was killed. */
  resumeAsync(): void {
    for (const [id, invocation] of this.asyncInvocations.saved()) setImmediate(() => void this.runAsync({ ...invocation, id }));
  }

  /** One attempt of an asynchronous invocation, and what follows it (a retry, or its end). */
  private async runAsync(invocation: AsyncInvocation): Promise<void> {
    const { event, trigger, enqueued } = invocation;
    const n = invocation.attempts;
    const current = this.functions.get(invocation.functionName);
    if (!current) {
      this.asyncInvocations.delete(invocation.id);
      return;
    }
    const delays = this.options.asyncRetryDelaysMs ?? [1_000, 2_000];
    const config = current.eventInvokeConfig;
    const maxRetries = config.MaximumRetryAttempts ?? 2;
    if (Date.now() - enqueued > (config.MaximumEventAgeInSeconds ?? 21_600) * 1000) {
      await this.finishAsync(current, event, trigger, 'EventAgeExceeded', n, undefined);
      this.asyncInvocations.delete(invocation.id);
      return;
    }
    const report = await this.run(current, event, trigger);
    if (!report.error) {
      await this.finishAsync(current, event, trigger, 'Success', n + 1, report);
      this.asyncInvocations.delete(invocation.id);
      return;
    }
    // Throttled events are retried without using up an attempt, as AWS does.
    const next = report.throttled ? n : n + 1;
    if (next > maxRetries) {
      await this.finishAsync(current, event, trigger, 'RetriesExhausted', n + 1, report);
      this.asyncInvocations.delete(invocation.id);
      return;
    }
    this.options.activity.emit('lambda.async-retry', current.arn, { trigger, attempt: next, requestId: report.requestId });
    invocation.attempts = next;
    if (report.throttled) invocation.throttles = (invocation.throttles ?? 0) + 1;
    this.asyncInvocations.put(invocation.id, invocation);
    const delay = report.throttled
      ? throttleDelay(invocation.throttles!, delays[0] ?? 1_000)
      : delays[Math.min(next - 1, delays.length - 1)];
    setTimeout(() => void this.runAsync(invocation), delay ?? 1_000).unref();
  }

  /**
   * The end of an asynchronous invocation: the on-success or on-failure destination receives an
   * invocation record, as AWS sends it; without a failure destination a failed event is dropped.
   */
  private async finishAsync(
    fn: FunctionRecord,
    event: unknown,
    trigger: string,
    condition: 'Success' | 'RetriesExhausted' | 'EventAgeExceeded',
    attempts: number,
    report: InvocationReport | undefined,
  ) {
    const failed = condition !== 'Success';
    const destination = fn.eventInvokeConfig.DestinationConfig?.[failed ? 'OnFailure' : 'OnSuccess']?.Destination as string | undefined;
    if (failed && destination)
      this.options.activity.emit('lambda.async-failed-to-destination', fn.arn, {
        trigger,
        condition,
        attempts,
        destination,
        error: report?.error,
      });
    else if (failed) this.options.activity.emit('lambda.async-dropped', fn.arn, { trigger, condition, attempts, error: report?.error });
    if (!destination || !this.options.delivery) return;
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: report?.requestId ?? randomUUID(),
        functionArn: `${fn.arn}:$LATEST`,
        condition,
        approximateInvokeCount: attempts,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(report?.error ? { functionError: 'Unhandled' } : {}) },
      responsePayload: report ? (report.error ?? report.result ?? null) : null,
    };
    try {
      await this.options.delivery.sendRecord(
        destination,
        record,
        destinationPrincipal(fn),
        `Lambda Function Invocation Result - ${failed ? 'Failure' : 'Success'}`,
      );
    } catch (error) {
      this.options.activity.emit('lambda.destination-failed', fn.arn, { destination, reason: (error as Error).message });
    }
  }

  /** Stops every execution environment (a reset; the cloud stopping). */
  shutdown(): void {
    for (const pool of this.pools.values()) pool.shutdown();
    this.pools.clear();
    this.environments.shutdown();
  }

  /** Stops for good (the cloud is stopping): every environment ends, and no invocation starts another. */
  stop(): void {
    this.stopped = true;
    this.shutdown();
  }
}

/**
 * Lambda sends destination records with the function's execution role. The local cloud does not
 * check that role's permissions for it (LIMITATION): a missing grant shows on AWS only.
 */
export function destinationPrincipal(fn: Pick<FunctionRecord, 'arn'>): Principal {
  return {
    service: 'lambda.amazonaws.com',
    sourceArn: fn.arn,
    authority: { unchecked: "destinations are sent with the function's execution role, which the local cloud does not check" },
  };
}

/**
 * The wait before retry `n` of a throttled asynchronous invocation. AWS: from 1 second, doubling,
 * to at most 5 minutes. Here from the first retry delay (1 s), to 5 of them: the 5 minutes
 * shortened as the retries of errors are (1 minute to 1 s), so a throttled event still comes back
 * while the lab runs, and a queue of them does not retry every second for six hours.
 */
export function throttleDelay(n: number, firstMs: number): number {
  return Math.min(firstMs * 2 ** (n - 1), firstMs * 5);
}

function lambdaTimestamp(): string {
  return new Date().toISOString().replace('Z', '+0000');
}

function validateRuntime(runtime: unknown): string {
  const match = /^nodejs(\d+)\.x$/.exec(String(runtime ?? ''));
  if (!match) {
    throw invalidValue(
      `The local cloud runs Node.js functions only; runtime ${String(runtime)} is not supported (use nodejs20.x or newer, or the AWS target).`,
    );
  }
  if (Number(match[1]) < 20)
    throw invalidValue(
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime.`,
    );
  return String(runtime);
}

function validateTimeout(timeout: number): number {
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900)
    throw invalidValue(`Timeout must be between 1 and 900 seconds (got ${timeout}).`);
  return timeout;
}

function validateMemory(memory: number): number {
  if (!Number.isInteger(memory) || memory < 128 || memory > 10_240)
    throw invalidValue(`MemorySize must be between 128 and 10240 MB (got ${memory}).`);
  return memory;
}

function validateEnvironment(variables: Record<string, string>): Record<string, string> {
  const reserved = Object.keys(variables).filter((key) => RESERVED_ENV.includes(key));
  if (reserved.length > 0) {
    throw invalidValue(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const size = Object.entries(variables).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
  if (size > 4096)
    throw invalidValue(
      'Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit.',
    );
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)]));
}

/** Where a function's output goes: its LoggingConfig.LogGroup, else /aws/lambda/<name>. */
function logGroupOf(fn: FunctionRecord): string {
  return fn.logGroup ?? `/aws/lambda/${fn.name}`;
}

/**
 * LoggingConfig: the log group is applied; the format stays Text (JSON logs and log levels are
 * refused by name rather than ignored, as the function's output would not match them).
 */
function validateLoggingConfig(config: any): string | undefined {
  if (!config) return undefined;
  if ((config.LogFormat ?? 'Text') !== 'Text')
    throw invalidValue(`The local cloud writes function logs as Text; LoggingConfig LogFormat ${config.LogFormat} is not supported.`);
  for (const level of ['ApplicationLogLevel', 'SystemLogLevel']) {
    if (config[level] !== undefined)
      throw invalidValue(`LoggingConfig ${level} requires LogFormat JSON, which the local cloud does not support.`);
  }
  if (config.LogGroup === undefined) return undefined;
  const name = String(config.LogGroup);
  if (!/^[\w\-./#]{1,512}$/.test(name))
    throw invalidValue(
      `1 validation error detected: Value '${name}' at 'loggingConfig.logGroup' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
    );
  return name;
}
