import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteStreamCommand, KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { GetQueueUrlCommand, ListQueuesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startEmulators, type Emulators } from './emulators/index.ts';
import type http from 'node:http';
import type http2 from 'node:http2';
import { join } from 'node:path';
import { LOCAL_ACCOUNT_ID, parseArn } from './aws/context.ts';
import { AwsError } from './aws/errors.ts';
import { jsonEndpoint, queryEndpoint, restJsonEndpoint, type HttpRequest, type HttpResponse, type ServiceEndpoint } from './aws/http.ts';
import { EventBus } from './events/bus.ts';
import { identify } from './gateway/identify.ts';
import { createDualProtocolServer, listen } from './gateway/listener.ts';
import { forward } from './gateway/forward.ts';
import { proxy, proxyObserved } from './gateway/proxy.ts';
import { serveReserved } from './gateway/reserved.ts';
import type { CloudServices } from './services.ts';
import { invokeRestApi } from './services/apigateway/invoke.ts';
import { ApiGatewayModel } from './services/apigateway/model.ts';
import { apiGatewayRoutes } from './services/apigateway/routes.ts';
import { CloudFormationService } from './services/cloudformation/service.ts';
import { CloudWatchService } from './services/cloudwatch/service.ts';
import { countReceives, inspectedQueue } from './services/cloudwatch/sqs-metrics.ts';
import { EventBridgeService } from './services/events/service.ts';
import { IamService } from './services/iam/service.ts';
import { ensureCodeRoot } from './services/lambda/code.ts';
import { EventSourceMappings } from './services/lambda/event-source-mappings.ts';
import { LambdaService } from './services/lambda/service.ts';
import { LogsService } from './services/logs/service.ts';
import { BucketSubresources } from './services/s3/bucket-subresources.ts';
import { S3Gateway } from './services/s3/gateway.ts';
import { S3Notifications } from './services/s3/notifications.ts';
import { SnsService } from './services/sns/service.ts';
import { topicPolicyAllows } from './services/sns/topic-policy.ts';
import { MessageMoveTasks } from './services/sqs/message-move-tasks.ts';
import { withAwsQueryErrors } from './services/sqs/query-error-header.ts';
import { isSqsQueryRequest, sqsQueryEndpoint } from './services/sqs/query-protocol.ts';
import { SsmService } from './services/ssm/service.ts';
import { StepFunctionsService } from './services/stepfunctions/service.ts';
import { stsActions } from './services/sts/service.ts';
import { sendToQueueAsService } from './sqs-delivery.ts';
import { StateFile } from './persistence/state-file.ts';

interface SavedState {
  version: 1;
  sns: { topics: SnsService['store']['topics']; subscriptions: SnsService['store']['subscriptions'] };
  lambda: LambdaService['functions'];
  eventSourceMappings: EventSourceMappings['mappings'];
  logs: LogsService['groups'];
  iam: IamService['roles'];
  ssm: SsmService['parameters'];
  apigateway: ApiGatewayModel['apis'];
  apigatewayAccount?: ApiGatewayModel['account'];
  eventBridge?: { buses: EventBridgeService['buses']; rules: EventBridgeService['rules'] };
  alarms?: CloudWatchService['alarms'];
  stepFunctions?: { machines: StepFunctionsService['machines']; executions: StepFunctionsService['executions'] };
  s3?: { notifications: S3Notifications['configurations']; policies: BucketSubresources['policies']; tags: BucketSubresources['tags'] };
  cloudformation: ReturnType<CloudFormationService['saved']>;
}

function refill<K, V>(target: Map<K, V>, saved: Map<K, V> | undefined): void {
  target.clear();
  for (const [key, value] of saved ?? []) target.set(key, value);
}

export interface CloudOptions {
  /** Port of the endpoint; 0 picks a free one. Default 4566. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1: the cloud is for this machine only. */
  host?: string;
  /** Region of requests that do not name one. Default us-east-1. */
  region?: string;
  /** Folder for function code and other state. */
  dataDir: string;
  /** Delays before Lambda's asynchronous retries (AWS: about 1 and 2 minutes). */
  asyncRetryDelaysMs?: number[];
  /** Keep state in `dataDir` across restarts. Default true. */
  persist?: boolean;
  /** Scales Step Functions' Wait states and Retry intervals (tests). Default 1: as written. */
  stepFunctionsTimeScale?: number;
  /** How often queue gauges are sampled and alarms evaluated. Default 5 s. */
  metricsIntervalMs?: number;
  /**
   * SNS delivery to HTTP/S endpoints: local milliseconds per second of a delivery policy's delays
   * (AWS: 1,000; default 50, so the default three 20-second retries take 3 s) and how long one POST
   * may take (AWS: 15 s; default 5 s).
   */
  snsHttp?: { delayMsPerSecond?: number; timeoutMs?: number };
}

export interface RunningCloud {
  /** The endpoint every client uses, e.g. http://localhost:4566. */
  endpoint: string;
  port: number;
  services: CloudServices & { cloudformation: CloudFormationService };
  /** Empties every service: no stacks, functions, topics, queues, tables or logs are left. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Starts the local cloud: one endpoint serving every AWS API the labs use. */
export async function startCloud(options: CloudOptions): Promise<RunningCloud> {
  await ensureCodeRoot(join(options.dataDir, 'lambda-code'));
  const emulators = await startEmulators({ region: options.region ?? 'us-east-1', dataDir: options.dataDir, persist: options.persist ?? true });
  try {
    return await assembleCloud(options, emulators);
  } catch (error) {
    // A damaged state file or a taken port: stop what started, so nothing is left running.
    await emulators.stop();
    throw error;
  }
}

/** Our services around the running emulators, the gateway in front of them all. */
async function assembleCloud(options: CloudOptions, emulators: Emulators): Promise<RunningCloud> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const persist = options.persist ?? true;
  let endpoint = '';
  const { fauxqs, fauxqsHandle, fauxqsUrl, dynaliteUrl, kinesisUrl } = emulators;

  const sqsClients = new Map<string, SQSClient>();
  const sqsFor = (r: string) => {
    let client = sqsClients.get(r);
    if (!client) {
      sqsClients.set(r, (client = new SQSClient({ region: r, endpoint: fauxqsUrl.href, credentials: LOCAL_CREDENTIALS })));
      countReceives(client, () => cloudWatch.sqs);
      // fauxqs writes a new queue's URL with the port its request was addressed to: the queues the
      // cloud creates itself (CloudFormation's) get the endpoint's, as the others do, not fauxqs's
      // internal port, which changes with every start.
      client.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { headers?: Record<string, string> };
          if (endpoint && request.headers) request.headers.host = new URL(endpoint).host;
          return next(args);
        },
        { step: 'build', name: 'endpointHost' },
      );
    }
    return client;
  };
  const s3 = new S3Client({ region, endpoint: fauxqsUrl.href, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  const dynamodb = new DynamoDBClient({ region, endpoint: dynaliteUrl.href, credentials: LOCAL_CREDENTIALS });

  const events = new EventBus();
  // Lambda's destinations (asynchronous invocations, stream batches that failed): the record goes
  // to a queue, a topic or another function.
  const sendToDestination = async (destinationArn: string, record: unknown) => {
    const parsed = parseArn(destinationArn)!;
    const body = JSON.stringify(record);
    if (parsed.service === 'sqs') {
      const client = sqsFor(parsed.region);
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: parsed.resource }));
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    } else if (parsed.service === 'sns') await sns.publish({ TopicArn: destinationArn, Message: body });
    else lambda.enqueueAsync(lambda.fn(destinationArn, parsed), record, 'lambda-destination');
  };
  const logs = new LogsService();
  const lambda = new LambdaService({
    events,
    logs,
    codeRoot: join(options.dataDir, 'lambda-code'),
    endpoint: () => endpoint,
    asyncRetryDelaysMs: options.asyncRetryDelaysMs,
    sendToDestination: (destinationArn, record) => sendToDestination(destinationArn, record),
    readObject: async (bucket, key) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await object.Body!.transformToByteArray());
    },
  });
  const sns = new SnsService(
    events,
    {
      sendToQueue: (queueArn, topicArn, body, attributes, fifo) => sendToQueueAsService(sqsFor, queueArn, 'sns.amazonaws.com', topicArn, body, attributes, fifo),
      invokeFunction: async (functionArn, topicArn, event) => lambda.invokeAsService(functionArn, 'sns.amazonaws.com', topicArn, event),
    },
    () => endpoint,
    { delayMsPerSecond: options.snsHttp?.delayMsPerSecond ?? 50, timeoutMs: options.snsHttp?.timeoutMs ?? 5_000 },
  );
  const eventBridge = new EventBridgeService(events, {
    invokeFunction: async (functionArn, ruleArn, event) => lambda.invokeAsService(functionArn, 'events.amazonaws.com', ruleArn, event),
    sendToQueue: (queueArn, ruleArn, body, groupId) => sendToQueueAsService(sqsFor, queueArn, 'events.amazonaws.com', ruleArn, body, {}, groupId ? { groupId, dedupId: randomUUID() } : undefined),
    publishToTopic: async (topicArn, ruleArn, body) => {
      // As on AWS, the topic's access policy must let EventBridge publish for this rule.
      const topic = sns.store.topics.get(topicArn);
      if (topic && !topicPolicyAllows(topic.attributes.Policy, topicArn, 'events.amazonaws.com', ruleArn)) {
        throw new Error(`the access policy of topic ${topic.name} does not allow events.amazonaws.com to publish on behalf of ${ruleArn} (add a topic policy statement allowing sns:Publish)`);
      }
      await sns.publish({ TopicArn: topicArn, Message: body });
    },
    startExecution: async (stateMachineArn, ruleArn, roleArn, input) => {
      // EventBridge starts the execution with the target's role, which must allow it.
      const role = iam.roleByArn(roleArn);
      if (!role || !iam.trusts(role, 'events.amazonaws.com')) throw new Error(`role ${roleArn} does not exist or does not trust events.amazonaws.com`);
      if (iam.decide(role, 'states:StartExecution', stateMachineArn) !== 'allowed') throw new Error(`role ${roleArn} is not allowed states:StartExecution on ${stateMachineArn} (rule ${ruleArn})`);
      stepFunctions.start({ stateMachineArn, input }, { region: parseArn(stateMachineArn)?.region ?? region, accountId: LOCAL_ACCOUNT_ID, requestId: randomUUID() });
    },
  });
  const cloudWatch = new CloudWatchService(events, async (topicArn, message) => void (await sns.publish({ TopicArn: topicArn, Message: message })));
  // SQS metrics: sends, deletes and dead-lettering come from fauxqs's message spy (its filter sees
  // every event), receives from the gateway and the cloud's own clients; queue gauges are sampled
  // here, then alarms are evaluated.
  void fauxqs.spy.waitForMessage(cloudWatch.sqs.observe);
  const sampleMetrics = async () => {
    for (const QueueUrl of (await sqsFor(region).send(new ListQueuesCommand({}))).QueueUrls ?? []) {
      const queue = inspectedQueue(fauxqs, QueueUrl.slice(QueueUrl.lastIndexOf('/') + 1));
      if (queue) cloudWatch.sqs.sample(queue);
    }
    await cloudWatch.evaluateAll();
  };
  const metricsTimer = setInterval(() => void sampleMetrics().catch(() => undefined), options.metricsIntervalMs ?? 5_000);
  metricsTimer.unref();
  const iam = new IamService();
  const ssm = new SsmService();
  const apigateway = new ApiGatewayModel();
  const kinesisClients = new Map<string, KinesisClient>();
  const kinesisFor = (r: string) => {
    let client = kinesisClients.get(r);
    // kinesalite speaks HTTP/1.1 only; the SDK's Kinesis client would open HTTP/2.
    if (!client) kinesisClients.set(r, (client = new KinesisClient({ region: r, endpoint: kinesisUrl.href, credentials: LOCAL_CREDENTIALS, requestHandler: new NodeHttpHandler() })));
    return client;
  };
  const eventSourceMappings = new EventSourceMappings(lambda, sqsFor, events, { kinesis: kinesisFor, sendToDestination });
  // S3 notifications, bucket policies and tags: fauxqs keeps buckets and objects, these are ours.
  const s3Notifications = new S3Notifications({ events, s3, sqsIn: sqsFor, sns, lambda, region });
  const s3Buckets = new BucketSubresources();
  const stepFunctions = new StepFunctionsService({ events, timeScale: options.stepFunctionsTimeScale, services: { lambda, sns, eventBridge, iam, dynamodb, sqsIn: sqsFor } });
  const base: CloudServices = { events, sns, lambda, eventSourceMappings, eventBridge, cloudWatch, logs, iam, ssm, apigateway, sqs: sqsFor(region), sqsIn: sqsFor, kinesisIn: kinesisFor, s3, s3Notifications, s3Buckets, dynamodb, stepFunctions };
  const cloudformation = new CloudFormationService(base);
  const services = { ...base, cloudformation };

  // The state of the services implemented here survives restarts in one file; the reused
  // emulators keep their own (fauxqs in SQLite, dynalite in LevelDB, kinesalite in a snapshot
  // file) in the same folder.
  const stateFile = new StateFile<SavedState>(options.dataDir, () => ({
    version: 1,
    sns: { topics: sns.store.topics, subscriptions: sns.store.subscriptions },
    lambda: lambda.functions,
    eventSourceMappings: eventSourceMappings.mappings,
    logs: logs.groups,
    iam: iam.roles,
    ssm: ssm.parameters,
    apigateway: apigateway.apis,
    apigatewayAccount: apigateway.account,
    eventBridge: { buses: eventBridge.buses, rules: eventBridge.rules },
    alarms: cloudWatch.alarms,
    stepFunctions: { machines: stepFunctions.machines, executions: stepFunctions.savedExecutions() },
    s3: { notifications: s3Notifications.configurations, policies: s3Buckets.policies, tags: s3Buckets.tags },
    cloudformation: cloudformation.saved(),
  }));
  if (persist) {
    const saved = stateFile.load();
    if (saved?.version === 1) {
      refill(sns.store.topics, saved.sns.topics);
      refill(sns.store.subscriptions, saved.sns.subscriptions);
      refill(lambda.functions, saved.lambda);
      refill(logs.groups, saved.logs);
      refill(iam.roles, saved.iam);
      refill(ssm.parameters, saved.ssm);
      refill(apigateway.apis, saved.apigateway);
      Object.assign(apigateway.account, saved.apigatewayAccount);
      refill(eventBridge.buses, saved.eventBridge?.buses);
      refill(eventBridge.rules, saved.eventBridge?.rules);
      eventBridge.recompile();
      refill(cloudWatch.alarms, saved.alarms);
      refill(stepFunctions.machines, saved.stepFunctions?.machines);
      refill(stepFunctions.executions, saved.stepFunctions?.executions);
      stepFunctions.restored();
      refill(s3Notifications.configurations, saved.s3?.notifications);
      refill(s3Buckets.policies, saved.s3?.policies);
      refill(s3Buckets.tags, saved.s3?.tags);
      cloudformation.restore(saved.cloudformation);
      refill(eventSourceMappings.mappings, saved.eventSourceMappings);
      eventSourceMappings.resume();
    }
    events.subscribe(() => stateFile.touch());
  }

  const endpoints: Record<string, ServiceEndpoint> = {
    sns: queryEndpoint('SNS', 'http://sns.amazonaws.com/doc/2010-03-31/', sns.actions),
    iam: queryEndpoint('IAM', 'https://iam.amazonaws.com/doc/2010-05-08/', iam.actions),
    sts: queryEndpoint('STS', 'https://sts.amazonaws.com/doc/2011-06-15/', stsActions),
    cloudformation: queryEndpoint('CloudFormation', 'http://cloudformation.amazonaws.com/doc/2010-05-15/', cloudformation.actions),
    logs: jsonEndpoint('CloudWatch Logs', 'Logs_20140328', logs.actions),
    ssm: jsonEndpoint('SSM', 'AmazonSSM', ssm.actions),
    events: jsonEndpoint('EventBridge', 'AWSEvents', eventBridge.actions),
    states: jsonEndpoint('Step Functions', 'AWSStepFunctions', stepFunctions.actions, '1.0'),
    monitoring: jsonEndpoint('CloudWatch', 'GraniteServiceVersion20100801', cloudWatch.actions, '1.0'),
    lambda: restJsonEndpoint('Lambda', [...lambda.routes, ...eventSourceMappings.routes]),
    apigateway: restJsonEndpoint('API Gateway', apiGatewayRoutes(apigateway)),
  };
  const proxied: Record<string, URL> = { sqs: fauxqsUrl, s3: fauxqsUrl, dynamodb: dynaliteUrl, kinesis: kinesisUrl };
  const snsLinks = queryEndpoint('SNS', 'http://sns.amazonaws.com/doc/2010-03-31/', sns.linkActions);
  // SQS actions fauxqs lacks, answered here before the request would reach it.
  const moveTasks = new MessageMoveTasks(sqsFor, events);
  const s3Gateway = new S3Gateway(fauxqsUrl, s3, s3Notifications, s3Buckets);
  const sqsExtras = jsonEndpoint('SQS', 'AmazonSQS', moveTasks.actions, '1.0');
  // Older clients speak SQS's query protocol; it is translated to the JSON calls above.
  const sqsQuery = sqsQueryEndpoint(async (request) => {
    const action = String(request.headers['x-amz-target']).slice(10);
    if (action in moveTasks.actions) return sqsExtras(request);
    const answer = await forward(fauxqsUrl, request);
    // Receives are counted where they pass; these do not pass the gateway's JSON path.
    if (action === 'ReceiveMessage') cloudWatch.sqs.receivedThroughGateway(answer.status, request.body, Buffer.from(answer.body));
    return answer;
  });

  const send = (res: http.ServerResponse | http2.Http2ServerResponse, answer: HttpResponse) => {
    (res as http.ServerResponse).writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  };
  const readBody = (req: http.IncomingMessage | http2.Http2ServerRequest) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });

  const reset = async () => {
    // Running sagas stop first: none may compensate against resources the reset is removing.
    stepFunctions.clear();
    await cloudformation.reset();
    eventSourceMappings.shutdown();
    eventSourceMappings.mappings.clear();
    lambda.shutdown();
    lambda.functions.clear();
    sns.store.topics.clear();
    sns.store.subscriptions.clear();
    logs.groups.clear();
    iam.roles.clear();
    ssm.parameters.clear();
    apigateway.apis.clear();
    delete apigateway.account.cloudwatchRoleArn;
    eventBridge.buses.clear();
    eventBridge.rules.clear();
    cloudWatch.metrics.clear();
    cloudWatch.sqs.clear();
    cloudWatch.alarms.clear();
    s3Notifications.configurations.clear();
    s3Buckets.policies.clear();
    s3Buckets.tags.clear();
    fauxqs.purgeAll();
    for (const TableName of (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []) await dynamodb.send(new DeleteTableCommand({ TableName }));
    const kinesisClient = kinesisFor(region);
    for (const StreamName of (await kinesisClient.send(new ListStreamsCommand({}))).StreamNames ?? []) await kinesisClient.send(new DeleteStreamCommand({ StreamName }));
    // kinesalite forgets a DELETING stream a moment later: wait, so no snapshot keeps it half-deleted.
    for (let i = 0; i < 100 && ((await kinesisClient.send(new ListStreamsCommand({}))).StreamNames ?? []).length > 0; i++) await new Promise((r) => setTimeout(r, 5));
    events.emit('workshop', 'reset', endpoint);
    if (persist) await stateFile.flush();
  };

  const server = createDualProtocolServer(async (req, res) => {
    const url = req.url ?? '/';
    try {
      if (url.startsWith('/_workshop/')) return await serveReserved(url, req, res, { services, reset });
      if (url.startsWith('/restapis/') && url.includes('/_user_request_')) {
        const body = await readBody(req);
        return send(res, await invokeRestApi(apigateway, lambda, events, { method: req.method ?? 'GET', url, headers: req.headers, body, region }));
      }
      const identity = identify(req.headers, url);
      const service = identity.service ?? '';
      const target = String(req.headers['x-amz-target'] ?? '');
      if (service === 'sqs' && isSqsQueryRequest(req.method ?? 'GET', req.headers, url)) {
        return send(res, await sqsQuery({ method: req.method ?? 'POST', url, headers: req.headers, body: await readBody(req), region: identity.region ?? region }));
      }
      if (service === 'sqs' && target.startsWith('AmazonSQS.') && target.slice(10) in moveTasks.actions) {
        return send(res, await sqsExtras({ method: req.method ?? 'POST', url, headers: req.headers, body: await readBody(req), region: identity.region ?? region }));
      }
      if (service === 's3') return await s3Gateway.handle(req, res, () => readBody(req));
      const upstream = proxied[service];
      if (upstream && service === 'sqs' && target === 'AmazonSQS.ReceiveMessage') {
        return proxyObserved(upstream, req, res, { captureRequest: true, captureResponse: true, done: (x) => cloudWatch.sqs.receivedThroughGateway(x.status, x.requestBody, x.responseBody) });
      }
      // SQS's JSON requests go straight to fauxqs's handler: no second trip over a socket.
      if (service === 'sqs' && req.httpVersionMajor === 1) return fauxqsHandle(req as http.IncomingMessage, withAwsQueryErrors(res as http.ServerResponse));
      if (upstream) return proxy(upstream, req, res);
      // SNS's SubscribeURL and UnsubscribeURL links are answered unsigned, as on AWS.
      const handler = identity.link ? snsLinks : endpoints[service];
      if (!handler) {
        const message = service
          ? `The local cloud does not emulate the AWS service "${service}". It serves: ${[...Object.keys(endpoints), ...Object.keys(proxied)].sort().join(', ')}.`
          : 'The local cloud could not tell which AWS service this request is for: sign it with SigV4 (any AWS SDK or the AWS CLI does).';
        return send(res, { status: 400, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownService' }, body: JSON.stringify({ __type: 'UnknownService', message }) });
      }
      const request: HttpRequest = { method: req.method ?? 'GET', url, headers: req.headers, body: await readBody(req), region: identity.region ?? region };
      send(res, await handler(request));
      if (persist && request.method !== 'GET') stateFile.touch();
    } catch (error) {
      const message = error instanceof AwsError ? error.message : `The local cloud failed internally: ${(error as Error).message}`;
      if (!res.headersSent) send(res, { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ __type: 'InternalFailure', message }) });
      else res.destroy();
    }
  });
  const port = await listen(server, options.port ?? 4566, host, 'local cloud', 'WORKSHOP_CLOUD_PORT=<port> (or --port)');
  endpoint = `http://localhost:${port}`;

  return {
    endpoint,
    port,
    services,
    reset,
    async stop() {
      clearInterval(metricsTimer);
      stepFunctions.shutdown();
      eventSourceMappings.shutdown();
      lambda.shutdown();
      sns.shutdown();
      await server.closeAll();
      await cloudformation.settled();
      if (persist) await stateFile.flush();
      await emulators.stop();
      for (const client of sqsClients.values()) client.destroy();
      for (const client of kinesisClients.values()) client.destroy();
      s3.destroy();
      dynamodb.destroy();
    },
  };
}
