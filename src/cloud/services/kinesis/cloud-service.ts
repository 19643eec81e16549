import { DeleteStreamCommand, KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_ACCOUNT_ID } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import { contextOf, jsonErrorAnswer } from '../../aws/http.ts';
import { forwardToEmulator } from '../../gateway/forward.ts';
import { send } from '../../gateway/respond.ts';
import { MiB, type ServiceDefinition } from '../../service.ts';
import { checkKinesisRequest } from './validate.ts';

declare module '../../services.ts' {
  interface CloudServices {
    /** Kinesis (kinesalite) for requests in a given region. */
    kinesisIn: (region: string) => KinesisClient;
  }
}

/** Amazon Kinesis Data Streams, served by kinesalite behind the gateway (which speaks HTTP/2 for it). */
export const kinesis: ServiceDefinition = {
  build: ({ emulators, settings, activity }) => {
    const clients = new Map<string, KinesisClient>();
    // Tells the stream's readers (event source mappings) and the site that records arrived, so a
    // reader need not poll often to pass them on at once. CBOR requests are not read: their
    // records are found by the readers' own polling.
    const recordsPut = (target: string, input: Record<string, unknown>, region: string) => {
      const action = target.split('.').pop();
      if (action !== 'PutRecord' && action !== 'PutRecords') return;
      const { StreamARN, StreamName, Records } = input;
      const arn =
        typeof StreamARN === 'string'
          ? StreamARN
          : typeof StreamName === 'string'
            ? `arn:aws:kinesis:${region}:${LOCAL_ACCOUNT_ID}:stream/${StreamName}`
            : undefined;
      if (arn)
        activity.emit('kinesis.records-put', arn, { records: action === 'PutRecords' && Array.isArray(Records) ? Records.length : 1 });
    };
    const kinesisIn = (region: string) => {
      let client = clients.get(region);
      // kinesalite speaks HTTP/1.1 only; the SDK's Kinesis client would open HTTP/2.
      if (!client) {
        client = new KinesisClient({
          region,
          endpoint: emulators.kinesisUrl.href,
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
          requestHandler: new NodeHttpHandler(),
        });
        clients.set(region, client);
      }
      return client;
    };
    return {
      service: {
        name: 'kinesis',
        // PutRecords takes at most 5 MiB (500 records), base64 in JSON (4/3 of it).
        // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
        maxBodyBytes: 8 * MiB,
        protocol: {
          kind: 'emulated',
          title: 'Kinesis',
          targetPrefix: 'Kinesis_20131202',
          // Read whole (within the limit) and passed on over HTTP/1.1, which kinesalite speaks. Kinesis
          // reads JSON 1.1 (or CBOR); kinesalite would answer anything else in XML of its own.
          handle: async ({ req, res, region, body }) => {
            const request = { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body: await body(), region };
            if (!/^application\/x-amz-(json|cbor)-1\.1/.test(String(req.headers['content-type'] ?? '')))
              return send(
                res,
                jsonErrorAnswer(
                  new AwsError(
                    'SerializationException',
                    'Kinesis reads requests in AWS JSON 1.1 (Content-Type: application/x-amz-json-1.1).',
                  ),
                  contextOf(request).requestId,
                ),
              );
            let input: Record<string, unknown> | undefined;
            try {
              if (String(req.headers['content-type']).includes('json')) input = checkKinesisRequest(request.body);
            } catch (error) {
              return send(res, jsonErrorAnswer(error, contextOf(request).requestId));
            }
            // kinesalite predates StreamARN (which AWS takes in place of StreamName): it gets the name.
            if (input && typeof input.StreamARN === 'string' && input.StreamName === undefined) {
              const { StreamARN, ...rest } = input;
              input = { ...rest, StreamName: StreamARN.split('/').pop() };
              request.body = Buffer.from(JSON.stringify(input));
            }
            const answer = await forwardToEmulator(emulators.kinesalite, 'Kinesis', request);
            if (answer.status === 200 && input) recordsPut(String(req.headers['x-amz-target'] ?? ''), input, region);
            send(res, answer);
          },
        },
        reset: async () => {
          const client = kinesisIn(settings.region);
          for (const StreamName of (await client.send(new ListStreamsCommand({}))).StreamNames ?? [])
            await client.send(new DeleteStreamCommand({ StreamName }));
          // kinesalite forgets a DELETING stream a moment later: wait, so no snapshot keeps it half-deleted.
          for (let i = 0; i < 100 && ((await client.send(new ListStreamsCommand({}))).StreamNames ?? []).length > 0; i++)
            await new Promise((r) => setTimeout(r, 5));
        },
        shutdown: () => {
          for (const client of clients.values()) client.destroy();
        },
      },
      provides: { kinesisIn },
    };
  },
};
