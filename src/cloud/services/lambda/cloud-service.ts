import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { MiB, refill, type ServiceDefinition } from '../../service.ts';
import { EventSourceMappings } from './event-source-mappings.ts';
import { LambdaService } from './service.ts';

declare module '../../services.ts' {
  interface CloudServices {
    lambda: LambdaService;
    eventSourceMappings: EventSourceMappings;
  }
}

/** AWS Lambda: functions in their own Node.js processes, asynchronous invocations, event source mappings. */
export const lambda: ServiceDefinition = {
  build: ({ settings, activity, delivery, services, endpoint, ledger }) => {
    const lambda = new LambdaService({
      activity,
      logs: services.logs,
      codeRoot: join(settings.dataDir, 'lambda-code'),
      endpoint,
      asyncRetryDelaysMs: settings.asyncRetryDelaysMs,
      delivery,
      asyncInvocations: ledger('lambda.async-invocations'),
      environments: {
        maxEnvironments: settings.lambda.maxEnvironments,
        idleMs: settings.lambda.idleMs,
        maxStarting: settings.lambda.maxStarting,
      },
      maxHeapMb: settings.lambda.maxHeapMb,
      readObject: async (bucket, key) => {
        const object = await services.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from(await object.Body!.transformToByteArray());
      },
    });
    const mappings = new EventSourceMappings(lambda, (region) => services.sqsIn(region), activity, {
      kinesis: (region) => services.kinesisIn(region),
      delivery,
    });
    const stopEnvironments = () => {
      mappings.shutdown();
      lambda.shutdown();
    };
    return {
      service: {
        name: 'lambda',
        // A zip uploaded directly is at most 50 MB, base64 in JSON (4/3 of it); an invocation's payload 6 MB.
        // https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
        maxBodyBytes: 70 * MiB,
        tooLargeCode: { code: 'RequestTooLargeException', status: 413 },
        protocol: { kind: 'rest-json', title: 'Lambda', routes: [...lambda.routes, ...mappings.routes] },
        snapshot: () => ({ functions: lambda.functions, eventSourceMappings: mappings.mappings }),
        restore: (saved) => {
          refill(lambda.functions, saved.functions);
          refill(mappings.mappings, saved.eventSourceMappings);
        },
        // Pollers and queued invocations start once every service is back.
        resume: () => {
          mappings.resume();
          lambda.resumeAsync();
        },
        reset: () => {
          stopEnvironments();
          mappings.mappings.clear();
          lambda.functions.clear();
          lambda.forgetAsync();
        },
        // For good: an invocation arriving late (a poller's last batch, a retry) starts no process.
        shutdown: () => {
          mappings.shutdown();
          lambda.stop();
        },
      },
      provides: { lambda, eventSourceMappings: mappings },
    };
  },
};
