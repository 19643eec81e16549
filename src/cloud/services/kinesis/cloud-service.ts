import { DeleteStreamCommand, KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { proxy } from '../../gateway/proxy.ts';
import type { ServiceDefinition } from '../../service.ts';

declare module '../../services.ts' {
  interface CloudServices {
    /** Kinesis (kinesalite) for requests in a given region. */
    kinesisIn: (region: string) => KinesisClient;
  }
}

/** Amazon Kinesis Data Streams, served by kinesalite behind the gateway (which speaks HTTP/2 for it). */
export const kinesis: ServiceDefinition = {
  build: ({ emulators, settings }) => {
    const clients = new Map<string, KinesisClient>();
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
        protocol: {
          kind: 'emulated',
          title: 'Kinesis',
          targetPrefix: 'Kinesis_20131202',
          handle: ({ req, res }) => proxy(emulators.kinesisUrl, req, res),
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
