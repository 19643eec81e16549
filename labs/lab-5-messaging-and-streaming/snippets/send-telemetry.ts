import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { eventually, kinesis, lambda, output, print } from '../../kit/index.ts';
import { metersBetween } from '../functions/telemetry.ts';
import { encodePing, route, UNICORNS } from '../sample-telemetry.ts';
import { meters, readTally } from '../tallies.ts';

const PINGS = 6;

/**
 * Sends six location pings for each of four unicorns in one PutRecords call, interleaved, each
 * keyed by its unicorn. Shows which shard each unicorn landed in and the sequence numbers there,
 * then what the Unicorn Distance Service added up.
 */
export default async function sendTelemetry() {
  const streamName = await output('TelemetryStreamName');
  // Each unicorn walks on from where the table last saw it.
  const routes = await Promise.all(
    UNICORNS.map(async (u) => {
      const last = await readTally('UnicornDistanceTableName', u.name);
      return route(u.name, last ? { lat: last.lastLat + 0.001, lng: last.lastLng + 0.0015 } : u, PINGS);
    }),
  );
  const pings = Array.from({ length: PINGS }, (_, i) => routes.map((r) => r[i])).flat();
  const { Records = [], FailedRecordCount } = await kinesis().send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: pings.map((ping) => ({ PartitionKey: ping.unicorn, Data: encodePing(ping) })),
    }),
  );
  if (FailedRecordCount)
    throw new Error(`${FailedRecordCount} of ${pings.length} records were not accepted (throttled?): run the snippet again.`);
  print(`Put ${pings.length} pings on ${streamName}, interleaved. Where each unicorn's records went:`);
  for (const u of UNICORNS) {
    const mine = Records.filter((_, i) => pings[i].unicorn === u.name);
    print(`  ${u.name.padEnd(11)} ${mine[0].ShardId}  sequence numbers …${mine.map((r) => r.SequenceNumber!.slice(-6)).join(', …')}`);
  }

  print('');
  const { EventSourceMappings = [] } = await lambda().send(
    new ListEventSourceMappingsCommand({ FunctionName: await output('UnicornDistanceServiceFunctionName') }),
  );
  if (EventSourceMappings.length === 0) {
    print('Nobody reads the stream yet: the pings wait there for 24 hours. A reader that starts at TRIM_HORIZON (step 4) will read them.');
    return;
  }
  print('What the Unicorn Distance Service made of them:');
  for (const [index, u] of UNICORNS.entries()) {
    const lastSequence = Records.filter((_, i) => pings[i].unicorn === u.name).at(-1)!.SequenceNumber!;
    const tally = await eventually(
      `The Unicorn Distance Service did not apply ${u.name}'s pings (is its event source mapping there?)`,
      async () => {
        const found = await readTally('UnicornDistanceTableName', u.name);
        return found?.lastSequence === lastSequence ? found : undefined;
      },
    );
    const walked = routes[index].slice(1).reduce((sum, ping, i) => sum + metersBetween(routes[index][i], ping), 0);
    print(
      `  ${u.name.padEnd(11)} walked ${meters(walked)} in these ${PINGS} pings; ${meters(tally.meters)} over ${tally.pings} pings in all`,
    );
  }
}
