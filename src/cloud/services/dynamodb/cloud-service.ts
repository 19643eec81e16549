import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { AwsError } from '../../aws/errors.ts';
import { contextOf, jsonErrorAnswer, parseJsonObject } from '../../aws/http.ts';
import { forwardToEmulator } from '../../gateway/forward.ts';
import { send } from '../../gateway/respond.ts';
import { MiB, type ServiceDefinition } from '../../service.ts';
import { checkDynamoDbRequest } from './validate.ts';

declare module '../../services.ts' {
  interface CloudServices {
    /** DynamoDB (dynalite). */
    dynamodb: DynamoDBClient;
  }
}

/** Amazon DynamoDB, served by dynalite (in a process of its own, see EmulatorProcess) behind the gateway. */
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
        // BatchWriteItem takes at most 16 MB; an item is at most 400 KB.
        // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html
        maxBodyBytes: 17 * MiB,
        protocol: {
          kind: 'emulated',
          title: 'DynamoDB',
          targetPrefix: 'DynamoDB_20120810',
          // Read whole and checked for what dynalite would take (or fail on), then passed on.
          handle: async ({ req, res, region, body }) => {
            const request = { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body: await body(), region };
            try {
              // DynamoDB reads AWS JSON 1.0; dynalite would answer anything else with XML of its own.
              if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.0'))
                throw new AwsError(
                  'UnknownOperationException',
                  'DynamoDB reads requests in AWS JSON 1.0 (Content-Type: application/x-amz-json-1.0).',
                );
              if (request.body.length > 0) checkDynamoDbRequest(parseJsonObject(request.body));
            } catch (error) {
              return send(res, jsonErrorAnswer(error, contextOf(request).requestId, '1.0'));
            }
            send(res, await forwardToEmulator(emulators.dynalite, 'DynamoDB', request));
          },
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
