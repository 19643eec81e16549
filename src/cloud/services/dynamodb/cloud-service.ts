import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { proxy } from '../../gateway/proxy.ts';
import type { ServiceDefinition } from '../../service.ts';

declare module '../../services.ts' {
  interface CloudServices {
    /** DynamoDB (dynalite). */
    dynamodb: DynamoDBClient;
  }
}

/** Amazon DynamoDB, served by dynalite behind the gateway. */
export const dynamodb: ServiceDefinition = {
  build: ({ emulators, settings }) => {
    const dynamodb = new DynamoDBClient({
      region: settings.region,
      endpoint: emulators.dynaliteUrl.href,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    return {
      service: {
        name: 'dynamodb',
        protocol: {
          kind: 'emulated',
          title: 'DynamoDB',
          targetPrefix: 'DynamoDB_20120810',
          handle: ({ req, res }) => proxy(emulators.dynaliteUrl, req, res),
        },
        reset: async () => {
          for (const TableName of (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? [])
            await dynamodb.send(new DeleteTableCommand({ TableName }));
        },
        shutdown: () => dynamodb.destroy(),
      },
      provides: { dynamodb },
    };
  },
};
