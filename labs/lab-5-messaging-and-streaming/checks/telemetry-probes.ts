import { PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamodb, eventually, kinesis, optionalOutput, output, probeId } from '../../kit/index.ts';
import { metersBetween, type Ping } from '../functions/telemetry.ts';
import { encodePing, route } from '../sample-telemetry.ts';
import { readRow, type Tally } from '../tallies.ts';

/** A probe unicorn's walk: `count` pings, and the distance they add up to. */
export function probeWalk(count = 5): { unicorn: string; pings: Ping[]; meters: number } {
  const unicorn = probeId('probe-unicorn');
  const pings = route(unicorn, { lat: 52.52 + Math.random() / 100, lng: 13.4 + Math.random() / 100 }, count);
  return { unicorn, pings, meters: pings.slice(1).reduce((sum, ping, i) => sum + metersBetween(pings[i], ping), 0) };
}

/** Puts records for one unicorn in one PutRecords call, in order; returns where each landed. */
export async function putRecords(unicorn: string, records: Uint8Array[]): Promise<PutRecordsResultEntry[]> {
  const { Records = [], FailedRecordCount } = await kinesis().send(
    new PutRecordsCommand({
      StreamName: await output('TelemetryStreamName'),
      Records: records.map((Data) => ({ PartitionKey: unicorn, Data })),
    }),
  );
  if (FailedRecordCount) throw new Error(`The stream refused ${FailedRecordCount} of ${records.length} records (throttled?).`);
  return Records;
}

export const putPings = (unicorn: string, pings: Ping[]) => putRecords(unicorn, pings.map(encodePing));

/** Waits until the table named by `tableOutput` has applied the record `sequenceNumber` for the unicorn. */
export function rowAt<T extends { lastSequence: string } = Tally>(
  tableOutput: string,
  unicorn: string,
  sequenceNumber: string,
  failure: string,
): Promise<T> {
  return eventually(failure, async () => {
    const row = await readRow<T>(tableOutput, unicorn);
    return row?.lastSequence === sequenceNumber ? row : undefined;
  });
}

/** Removes a probe unicorn from every telemetry table the stack has. */
export async function forgetUnicorn(unicorn: string): Promise<void> {
  const documents = DynamoDBDocumentClient.from(dynamodb());
  for (const tableOutput of ['UnicornDistanceTableName', 'UnicornLocationsTableName', 'UnicornDistanceReplayTableName']) {
    const TableName = await optionalOutput(tableOutput);
    if (TableName)
      await documents.send(new BatchWriteCommand({ RequestItems: { [TableName]: [{ DeleteRequest: { Key: { unicorn } } }] } }));
  }
}

/** Meters agree to the millimeter (the table keeps three decimals). */
export const sameMeters = (a: number, b: number) => Math.abs(a - b) < 0.005;
