import {
  GetQueueAttributesCommand,
  type ReceiveMessageCommandInput,
  type ReceiveMessageCommandOutput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AwsError } from '../../aws/errors.ts';
import { contextOf, invalidInput, jsonEndpoint, jsonErrorAnswer, parseJsonObject, type ServiceEndpoint } from '../../aws/http.ts';
import { checkInput, isOperation } from '../../aws/input-shapes.ts';
import { QUEUE_CHANGES } from '../../delivery/queues.ts';
import { send } from '../../gateway/respond.ts';
import { MiB, type ServiceDefinition } from '../../service.ts';
import { callFauxqs, type FauxqsAnswer } from './fauxqs-call.ts';
import { longPoll } from './long-poll.ts';
import { MessageMoveTasks } from './message-move-tasks.ts';
import { isSqsQueryRequest, sqsQueryEndpoint } from './query-protocol.ts';
import { checkSqsRequest } from './validate.ts';

declare module '../../services.ts' {
  interface CloudServices {
    /** SQS (fauxqs) in the cloud's default region. */
    sqs: SQSClient;
    /** SQS (fauxqs) for requests in a given region. */
    sqsIn: (region: string) => SQSClient;
  }
}

const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * Amazon SQS, served by fauxqs behind the gateway. Added here: the query protocol older clients
 * speak, dead-letter queue redrive (message move tasks), receive counts for CloudWatch, and
 * telling the delivery path when a queue changed (it caches queue policies).
 */
export const sqs: ServiceDefinition = {
  build: ({ emulators, settings, activity, delivery, services, endpoint }) => {
    const { fauxqs, fauxqsSqs, fauxqsUrl } = emulators;
    /** Each queue's ReceiveMessageWaitTimeSeconds, by URL, read once after any change to the queues. */
    const receiveWaits = new Map<string, Promise<number>>();
    const queuesChanged = () => {
      receiveWaits.clear();
      delivery.queues.changed();
    };
    // Every SQS call the cloud itself makes (pollers, redrives, CloudFormation) is seen as the gateway sees a client's.
    const observed = (action: string, input: unknown, output: unknown) => {
      if (action === 'ReceiveMessage')
        services.cloudWatch.sqs.received(
          (input as ReceiveMessageCommandInput).QueueUrl ?? '',
          (output as ReceiveMessageCommandOutput).Messages?.length ?? 0,
        );
      if (QUEUE_CHANGES.has(action)) queuesChanged();
    };
    const clients = new Map<string, SQSClient>();
    const sqsIn = (region: string) => {
      let client = clients.get(region);
      if (!client) {
        client = new SQSClient({ region, endpoint: fauxqsUrl.href, credentials: LOCAL_CREDENTIALS });
        client.middlewareStack.add(
          (next, context) => async (args) => {
            const result = await next(args);
            observed((context.commandName ?? '').replace(/Command$/, ''), args.input, result.output);
            return result;
          },
          { step: 'initialize', name: 'observeSqs' },
        );
        // fauxqs builds a queue URL from the Host of the request that creates the queue: a queue
        // the cloud creates itself (CloudFormation) gets the gateway's port, as a client's does,
        // not fauxqs's own (internal, and another on every start).
        client.middlewareStack.add(
          (next) => async (args) => {
            const gateway = endpoint();
            if (gateway) (args.request as { headers: Record<string, string> }).headers.host = new URL(gateway).host;
            return next(args);
          },
          { step: 'build', name: 'gatewayHostForQueueUrls' },
        );
        clients.set(region, client);
      }
      return client;
    };
    /** How long a receive that names no wait time waits: its queue's ReceiveMessageWaitTimeSeconds. */
    const receiveWaitOf = (region: string, QueueUrl: unknown): Promise<number> => {
      if (typeof QueueUrl !== 'string') return Promise.resolve(0);
      let wait = receiveWaits.get(QueueUrl);
      if (!wait) {
        const asked: Promise<number> = sqsIn(region)
          .send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ReceiveMessageWaitTimeSeconds'] }))
          .then(({ Attributes }) => Number(Attributes?.ReceiveMessageWaitTimeSeconds ?? 0))
          .catch(() => {
            // A failed lookup is not kept: the next receive asks again.
            if (receiveWaits.get(QueueUrl) === asked) receiveWaits.delete(QueueUrl);
            return 0;
          });
        receiveWaits.set(QueueUrl, asked);
        wait = asked;
      }
      return wait;
    };
    const moveTasks = new MessageMoveTasks(sqsIn, activity);
    const extras = jsonEndpoint('SQS', 'AmazonSQS', moveTasks.actions, '1.0');
    // One JSON-protocol call: the actions the cloud adds, or fauxqs after the checks it lacks.
    const json: ServiceEndpoint = async (request) => {
      const action = String(request.headers['x-amz-target'] ?? '').slice('AmazonSQS.'.length);
      if (Object.hasOwn(moveTasks.actions, action)) return extras(request);
      let input: Record<string, unknown>;
      try {
        // AWS reads an empty body as an empty input.
        input = request.body.length > 0 ? parseJsonObject(request.body) : {};
        if (isOperation('sqs', action) === false)
          throw new AwsError('UnknownOperationException', `Unknown operation ${JSON.stringify(action.slice(0, 100))}.`);
        try {
          checkInput('sqs', action, input, 'json');
        } catch (error) {
          throw invalidInput(error, 'SerializationException', 'MissingParameter');
        }
        checkSqsRequest(action, input);
      } catch (error) {
        return { ...jsonErrorAnswer(error, contextOf(request).requestId, '1.0'), action };
      }
      if (action !== 'ReceiveMessage') {
        const { result: _, ...answer } = await callFauxqs(fauxqsSqs, request, input);
        if (QUEUE_CHANGES.has(action)) queuesChanged();
        return { ...answer, action };
      }
      // How many messages an answer brought, read from fauxqs's result (the body is not parsed again).
      const received = (reply: FauxqsAnswer) => (reply.result as { Messages?: unknown[] } | undefined)?.Messages?.length ?? 0;
      const reply = await longPoll(
        (wait) => callFauxqs(fauxqsSqs, request, wait === undefined ? input : { ...input, WaitTimeSeconds: wait }),
        (reply) => (reply.status !== 200 ? 'error' : received(reply) > 0 ? 'messages' : 'empty'),
        () => (input.WaitTimeSeconds as number | undefined) ?? receiveWaitOf(request.region, input.QueueUrl),
      );
      if (reply.status === 200 && typeof input.QueueUrl === 'string') services.cloudWatch.sqs.received(input.QueueUrl, received(reply));
      const { result: _, ...answer } = reply;
      return { ...answer, action };
    };
    // Older clients speak SQS's query protocol; it is translated to the JSON calls above.
    const query = sqsQueryEndpoint(json);
    return {
      service: {
        name: 'sqs',
        // A message (and a batch) is at most 1 MiB; JSON escaping can grow it up to six times.
        // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
        maxBodyBytes: 8 * MiB,
        protocol: {
          kind: 'emulated',
          title: 'SQS',
          targetPrefix: 'AmazonSQS',
          handle: async ({ req, res, region, body }) => {
            const request = { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body: await body(), region };
            send(res, await (isSqsQueryRequest(request.method, req.headers, request.url) ? query : json)(request));
          },
        },
        reset: () => {
          // fauxqs keeps S3's buckets and objects too: both are emptied here.
          fauxqs.purgeAll();
          queuesChanged();
        },
        shutdown: () => {
          for (const client of clients.values()) client.destroy();
        },
      },
      provides: { sqs: sqsIn(settings.region), sqsIn },
    };
  },
};
