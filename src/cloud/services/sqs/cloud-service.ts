import type http from 'node:http';
import { type ReceiveMessageCommandInput, type ReceiveMessageCommandOutput, SQSClient } from '@aws-sdk/client-sqs';
import { jsonEndpoint } from '../../aws/http.ts';
import { QUEUE_CHANGES } from '../../delivery/queues.ts';
import { forward } from '../../gateway/forward.ts';
import { proxy, proxyObserved } from '../../gateway/proxy.ts';
import { afterAnswer, send } from '../../gateway/respond.ts';
import type { ServiceDefinition } from '../../service.ts';
import { MessageMoveTasks } from './message-move-tasks.ts';
import { withAwsQueryErrors } from './query-error-header.ts';
import { isSqsQueryRequest, sqsQueryEndpoint } from './query-protocol.ts';

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
    const { fauxqs, fauxqsHandle, fauxqsUrl } = emulators;
    // Every SQS call the cloud itself makes (pollers, redrives, CloudFormation) is seen as the gateway sees a client's.
    const observed = (action: string, input: unknown, output: unknown) => {
      if (action === 'ReceiveMessage')
        services.cloudWatch.sqs.received(
          (input as ReceiveMessageCommandInput).QueueUrl ?? '',
          (output as ReceiveMessageCommandOutput).Messages?.length ?? 0,
        );
      if (QUEUE_CHANGES.has(action)) delivery.queues.changed();
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
    const moveTasks = new MessageMoveTasks(sqsIn, activity);
    const extras = jsonEndpoint('SQS', 'AmazonSQS', moveTasks.actions, '1.0');
    // Older clients speak SQS's query protocol; it is translated to the JSON calls fauxqs answers.
    const query = sqsQueryEndpoint(async (request) => {
      const action = String(request.headers['x-amz-target']).slice('AmazonSQS.'.length);
      if (action in moveTasks.actions) return extras(request);
      const answer = await forward(fauxqsUrl, request);
      if (action === 'ReceiveMessage')
        services.cloudWatch.sqs.receivedThroughGateway(answer.status, request.body, Buffer.from(answer.body));
      if (QUEUE_CHANGES.has(action)) delivery.queues.changed();
      return answer;
    });
    return {
      service: {
        name: 'sqs',
        protocol: {
          kind: 'emulated',
          title: 'SQS',
          targetPrefix: 'AmazonSQS',
          handle: async ({ req, res, region, body }) => {
            const method = req.method ?? 'POST';
            const url = req.url ?? '/';
            const action = String(req.headers['x-amz-target'] ?? '').slice('AmazonSQS.'.length);
            if (isSqsQueryRequest(method, req.headers, url))
              return send(res, await query({ method, url, headers: req.headers, body: await body(), region }));
            if (action in moveTasks.actions)
              return send(res, await extras({ method, url, headers: req.headers, body: await body(), region }));
            if (action === 'ReceiveMessage') {
              return proxyObserved(fauxqsUrl, req, res, {
                captureRequest: true,
                captureResponse: true,
                done: (x) => services.cloudWatch.sqs.receivedThroughGateway(x.status, x.requestBody, x.responseBody),
              });
            }
            if (QUEUE_CHANGES.has(action)) afterAnswer(res, () => delivery.queues.changed());
            // JSON requests go straight to fauxqs's handler: no second trip over a socket.
            if (req.httpVersionMajor === 1)
              return fauxqsHandle(req as http.IncomingMessage, withAwsQueryErrors(res as http.ServerResponse));
            return proxy(fauxqsUrl, req, res);
          },
        },
        reset: () => {
          // fauxqs keeps S3's buckets and objects too: both are emptied here.
          fauxqs.purgeAll();
          delivery.queues.changed();
        },
        shutdown: () => {
          for (const client of clients.values()) client.destroy();
        },
      },
      provides: { sqs: sqsIn(settings.region), sqsIn },
    };
  },
};
