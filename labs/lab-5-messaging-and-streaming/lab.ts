import { defineLab } from '../kit/lab.ts';
import { checkpoints } from './checkpoints.ts';
import cleanupCheck from './snippets/cleanup-check.ts';
import compareReaders from './snippets/compare-readers.ts';
import poisonARide from './snippets/poison-a-ride.ts';
import publishDuplicates from './snippets/publish-duplicates.ts';
import publishRideEvents from './snippets/publish-ride-events.ts';
import readReceipts from './snippets/read-receipts.ts';
import readTheStream from './snippets/read-the-stream.ts';
import sendBadPing from './snippets/send-bad-ping.ts';
import sendTelemetry from './snippets/send-telemetry.ts';
import sideBySide from './snippets/side-by-side.ts';

export default defineLab({
  id: 'lab-5',
  slug: 'lab-5-messaging-and-streaming',
  title: 'Ordered messaging and streaming, side by side',
  steps: [
    { n: 1, title: 'Create the FIFO topic and queues' },
    { n: 2, title: 'Keep each ride in order' },
    { n: 3, title: 'Stream the unicorn telemetry' },
    { n: 4, title: 'Add up distances from the stream' },
    { n: 5, title: 'Add a second, independent reader' },
    { n: 6, title: 'Replay the stream from the start' },
  ],
  stack: { className: 'MessagingAndStreamingStack' },
  snippets: [
    {
      name: 'publish-ride-events',
      title: 'Publish an interleaved burst of rides',
      description: 'Publish the events of 12 rides at once, each ride in order, and see each ride arrive in order at the Ride Ledger.',
      source: 'snippets/publish-ride-events.ts',
      run: publishRideEvents,
    },
    {
      name: 'publish-duplicates',
      title: 'Publish duplicates',
      description:
        'Publish a ride event twice with the same MessageDeduplicationId and another twice with the same body, and see each delivered once.',
      source: 'snippets/publish-duplicates.ts',
      run: publishDuplicates,
    },
    {
      name: 'poison-a-ride',
      title: 'Poison one ride',
      description:
        'Publish three rides, one with a malformed event, and watch that ride wait for its bad message to reach the FIFO dead-letter queue while the others go on.',
      source: 'snippets/poison-a-ride.ts',
      run: poisonARide,
    },
    {
      name: 'read-receipts',
      title: 'Send the receipts',
      description: 'Work through the receipts queue: dropped-off events only, with their message group and sequence number.',
      source: 'snippets/read-receipts.ts',
      run: readReceipts,
    },
    {
      name: 'send-telemetry',
      title: 'Send unicorn telemetry',
      description:
        'Put location pings for four unicorns on the stream and see the distance each walked, as the Unicorn Distance Service adds it up.',
      source: 'snippets/send-telemetry.ts',
      run: sendTelemetry,
    },
    {
      name: 'send-bad-ping',
      title: 'Send a bad ping',
      description:
        'Put a malformed record among good pings and watch the mapping bisect the batch, retry, note the record in TelemetryFailures and move on.',
      source: 'snippets/send-bad-ping.ts',
      run: sendBadPing,
    },
    {
      name: 'read-the-stream',
      title: 'Read the stream yourself',
      description: 'Read every shard from TRIM_HORIZON with the Kinesis API: what the stream holds, unicorn by unicorn, in order.',
      source: 'snippets/read-the-stream.ts',
      run: readTheStream,
    },
    {
      name: 'compare-readers',
      title: 'Compare the readers',
      description: 'List the readers of the stream with their settings, and what each made of the same records.',
      source: 'snippets/compare-readers.ts',
      run: compareReaders,
    },
    {
      name: 'side-by-side',
      title: 'Fill in the side-by-side table',
      description: 'The comparison of ordered messaging and streaming, with what you measured in this lab.',
      source: 'snippets/side-by-side.ts',
      run: sideBySide,
    },
    {
      name: 'cleanup-check',
      title: 'Check that nothing bills by the hour',
      description:
        'List the Kinesis streams named with your prefix: what they cost while the lab is deployed, and proof that they are gone after destroy.',
      source: 'snippets/cleanup-check.ts',
      run: cleanupCheck,
    },
  ],
  checkpoints,
});
