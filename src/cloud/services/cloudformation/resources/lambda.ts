import { randomBytes } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import { AwsError } from '../../../aws/errors.ts';
import { nativelyModelledHandler } from './cdk-handlers.ts';
import { type ProviderContext, type ResourceProvider, tagList } from './provider.ts';

/** CloudFormation's inline ZipFile is source text, packaged as index.js (or index.mjs) by CloudFormation itself. */
function codeInput(code: any, runtime: string): any {
  if (code?.ZipFile !== undefined) {
    const file = runtime.startsWith('nodejs') ? 'index.js' : 'index';
    return { ZipFile: Buffer.from(zipSync({ [file]: strToU8(String(code.ZipFile)) })).toString('base64') };
  }
  return code;
}

function configurationInput(props: Record<string, any>) {
  if (props.Architectures?.some((a: string) => a !== 'x86_64' && a !== 'arm64')) {
    throw new AwsError('ValidationError', `Unknown architecture ${props.Architectures.join(', ')}`);
  }
  if (props.TracingConfig && props.TracingConfig.Mode !== 'PassThrough') {
    throw new AwsError('ValidationError', `The local cloud has no X-Ray: TracingConfig Mode ${props.TracingConfig.Mode} is not supported.`);
  }
  return {
    Runtime: props.Runtime,
    Handler: props.Handler,
    Role: props.Role,
    Description: props.Description,
    Timeout: props.Timeout === undefined ? undefined : Number(props.Timeout),
    MemorySize: props.MemorySize === undefined ? undefined : Number(props.MemorySize),
    Environment: props.Environment ?? { Variables: {} },
    // Lambda checks the format and levels; an absent LoggingConfig goes back to /aws/lambda/<name>.
    LoggingConfig: props.LoggingConfig ?? {},
  };
}

async function applyConcurrency(name: string, value: unknown, context: ProviderContext) {
  const fn = context.services.lambda.fn(name, context);
  const route = context.services.lambda.routes.find(
    (r) => r.action === (value === undefined ? 'DeleteFunctionConcurrency' : 'PutFunctionConcurrency'),
  )!;
  await route.handler(
    {
      params: { FunctionName: fn.name },
      query: new URLSearchParams(),
      headers: {},
      body: Buffer.alloc(0),
      json: { ReservedConcurrentExecutions: value === undefined ? undefined : Number(value) },
    },
    context,
  );
}

/** AWS::Lambda::Function from S3 (assets the deployer published) or inline ZipFile. */
export const lambdaFunction: ResourceProvider = {
  properties: [
    'Code',
    'Handler',
    'Runtime',
    'Role',
    'Environment',
    'Timeout',
    'MemorySize',
    'FunctionName',
    'Description',
    'Tags',
    'ReservedConcurrentExecutions',
    'Architectures',
    'TracingConfig',
    'LoggingConfig',
    'PackageType',
  ],
  replaceOn: ['FunctionName', 'PackageType'],
  async create(props, context) {
    const lambda = context.services.lambda;
    const FunctionName = props.FunctionName ?? context.generateName(64);
    const modelled = nativelyModelledHandler(props);
    if (modelled) {
      // The CDK's handler for a custom resource the local cloud applies itself (see s3.ts): it
      // is recorded in the stack, but no function runs (Lambda here runs Node.js only).
      const Arn = `arn:aws:lambda:${context.region}:${context.accountId}:function:${FunctionName}`;
      context.services.activity.emit('cloudformation.handler-modelled-natively', Arn, {
        stackName: context.stackName,
        logicalId: context.logicalId,
        resourceType: modelled,
      });
      return { physicalId: FunctionName, attributes: { Arn } };
    }
    const fn = await lambda.createFunction(
      {
        FunctionName,
        ...configurationInput(props),
        Code: codeInput(props.Code, props.Runtime ?? ''),
        PackageType: props.PackageType,
        Tags: { ...context.tags, ...tagList(props.Tags) },
      },
      context,
    );
    if (props.ReservedConcurrentExecutions !== undefined) await applyConcurrency(FunctionName, props.ReservedConcurrentExecutions, context);
    return { physicalId: fn.name, attributes: { Arn: fn.arn } };
  },
  async update(current, props, previous, context) {
    const lambda = context.services.lambda;
    if (nativelyModelledHandler(props) && !lambda.functions.has(current.physicalId)) return current;
    const fn = lambda.fn(current.physicalId, context);
    if (JSON.stringify(props.Code) !== JSON.stringify(previous.Code))
      await lambda.updateCode(fn, codeInput(props.Code, props.Runtime ?? ''));
    lambda.updateConfiguration(fn, configurationInput(props));
    fn.tags = { ...context.tags, ...tagList(props.Tags) };
    if (props.ReservedConcurrentExecutions !== previous.ReservedConcurrentExecutions)
      await applyConcurrency(fn.name, props.ReservedConcurrentExecutions, context);
    return { physicalId: fn.name, attributes: { Arn: fn.arn } };
  },
  async delete(current, _props, context) {
    const lambda = context.services.lambda;
    if (!lambda.functions.has(current.physicalId)) return;
    const route = lambda.routes.find((r) => r.action === 'DeleteFunction')!;
    await route.handler(
      { params: { FunctionName: current.physicalId }, query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0), json: {} },
      context,
    );
  },
};

/** AWS::Lambda::Permission: one statement of the function's resource-based policy. */
export const lambdaPermission: ResourceProvider = {
  properties: [
    'Action',
    'FunctionName',
    'Principal',
    'SourceArn',
    'SourceAccount',
    'EventSourceToken',
    'FunctionUrlAuthType',
    'PrincipalOrgID',
  ],
  replaceOn: [
    'Action',
    'FunctionName',
    'Principal',
    'SourceArn',
    'SourceAccount',
    'EventSourceToken',
    'FunctionUrlAuthType',
    'PrincipalOrgID',
  ],
  async create(props, context) {
    for (const unsupported of ['EventSourceToken', 'FunctionUrlAuthType', 'PrincipalOrgID']) {
      if (props[unsupported] !== undefined)
        throw new AwsError('ValidationError', `The local cloud does not support ${unsupported} on AWS::Lambda::Permission.`);
    }
    const lambda = context.services.lambda;
    const fn = lambda.fn(String(props.FunctionName), context);
    const statementId = `${context.stackName}-${context.logicalId}-${randomBytes(6).toString('hex').toUpperCase()}`.slice(-100);
    const route = lambda.routes.find((r) => r.action === 'AddPermission')!;
    await route.handler(
      {
        params: { FunctionName: fn.name },
        query: new URLSearchParams(),
        headers: {},
        body: Buffer.alloc(0),
        json: {
          StatementId: statementId,
          Action: props.Action,
          Principal: props.Principal,
          SourceArn: props.SourceArn,
          SourceAccount: props.SourceAccount,
        },
      },
      context,
    );
    return { physicalId: statementId };
  },
  async delete(current, props, context) {
    const lambda = context.services.lambda;
    let fn: ReturnType<typeof lambda.fn>;
    try {
      fn = lambda.fn(String(props.FunctionName), context);
    } catch {
      return;
    }
    const index = fn.policy.findIndex((s) => s.Sid === current.physicalId);
    if (index >= 0) fn.policy.splice(index, 1);
  },
};

/** AWS::Lambda::EventSourceMapping (SQS sources). */
export const eventSourceMapping: ResourceProvider = {
  properties: [
    'EventSourceArn',
    'FunctionName',
    'BatchSize',
    'MaximumBatchingWindowInSeconds',
    'FunctionResponseTypes',
    'FilterCriteria',
    'ScalingConfig',
    'Enabled',
    'Tags',
    'StartingPosition',
    'StartingPositionTimestamp',
    'BisectBatchOnFunctionError',
    'MaximumRetryAttempts',
    'MaximumRecordAgeInSeconds',
    'DestinationConfig',
    'ParallelizationFactor',
    'TumblingWindowInSeconds',
  ],
  replaceOn: ['EventSourceArn', 'StartingPosition', 'StartingPositionTimestamp'],
  async create(props, context) {
    const mapping = context.services.eventSourceMappings.create(mappingInput(props), context);
    mapping.tags = { ...context.tags, ...tagList(props.Tags) };
    return {
      physicalId: mapping.uuid,
      attributes: {
        Id: mapping.uuid,
        EventSourceMappingArn: `arn:aws:lambda:${context.region}:${context.accountId}:event-source-mapping:${mapping.uuid}`,
      },
    };
  },
  async update(current, props, _previous, context) {
    const esm = context.services.eventSourceMappings;
    esm.update(
      esm.get(current.physicalId),
      { ...mappingInput(props), Enabled: props.Enabled === undefined ? true : String(props.Enabled) === 'true' },
      context,
    );
    esm.get(current.physicalId).tags = { ...context.tags, ...tagList(props.Tags) };
    return current;
  },
  async delete(current, _props, context) {
    if (context.services.eventSourceMappings.mappings.has(current.physicalId))
      await context.services.eventSourceMappings.remove(current.physicalId);
  },
};

function mappingInput(props: Record<string, any>) {
  const number = (value: unknown) => (value === undefined ? undefined : Number(value));
  return {
    EventSourceArn: props.EventSourceArn,
    FunctionName: props.FunctionName,
    BatchSize: number(props.BatchSize),
    MaximumBatchingWindowInSeconds: number(props.MaximumBatchingWindowInSeconds),
    FunctionResponseTypes: props.FunctionResponseTypes,
    FilterCriteria: props.FilterCriteria ?? (String(props.EventSourceArn).includes(':kinesis:') ? undefined : { Filters: [] }),
    StartingPosition: props.StartingPosition,
    StartingPositionTimestamp: number(props.StartingPositionTimestamp),
    BisectBatchOnFunctionError:
      props.BisectBatchOnFunctionError === undefined ? undefined : String(props.BisectBatchOnFunctionError) === 'true',
    MaximumRetryAttempts: number(props.MaximumRetryAttempts),
    MaximumRecordAgeInSeconds: number(props.MaximumRecordAgeInSeconds),
    DestinationConfig: props.DestinationConfig,
    ParallelizationFactor: number(props.ParallelizationFactor),
    TumblingWindowInSeconds: number(props.TumblingWindowInSeconds),
    ScalingConfig: props.ScalingConfig ? { MaximumConcurrency: number(props.ScalingConfig.MaximumConcurrency) } : undefined,
    Enabled: props.Enabled === undefined ? undefined : String(props.Enabled) === 'true',
  };
}

/** AWS::Lambda::EventInvokeConfig: retries, event age and destinations of asynchronous invocations. */
export const eventInvokeConfig: ResourceProvider = {
  properties: ['FunctionName', 'Qualifier', 'MaximumRetryAttempts', 'MaximumEventAgeInSeconds', 'DestinationConfig'],
  replaceOn: ['FunctionName', 'Qualifier'],
  async create(props, context) {
    if (props.Qualifier !== '$LATEST')
      throw new AwsError('ValidationError', `The local cloud has $LATEST only; Qualifier ${props.Qualifier} is not supported.`);
    const lambda = context.services.lambda;
    const fn = lambda.fn(String(props.FunctionName), context);
    const route = lambda.routes.find((r) => r.action === 'PutFunctionEventInvokeConfig')!;
    const number = (value: unknown) => (value === undefined ? undefined : Number(value));
    await route.handler(
      {
        params: { FunctionName: fn.name },
        query: new URLSearchParams(),
        headers: {},
        body: Buffer.alloc(0),
        json: {
          MaximumRetryAttempts: number(props.MaximumRetryAttempts),
          MaximumEventAgeInSeconds: number(props.MaximumEventAgeInSeconds),
          DestinationConfig: props.DestinationConfig,
        },
      },
      context,
    );
    return { physicalId: `${fn.name}-$LATEST` };
  },
  async update(current, props, _previous, context) {
    await eventInvokeConfig.create(props, context);
    return current;
  },
  async delete(_current, props, context) {
    const fn = context.services.lambda.functions.get(String(props.FunctionName).split(':').pop()!);
    if (fn) fn.eventInvokeConfig = {};
  },
};
