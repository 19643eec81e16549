import { defineLab } from '../kit/lab.ts';
import submitRide from '../lab-1-fan-out/snippets/submit-ride.ts';
import { checkpoints } from './checkpoints.ts';
import fixConsumers from './snippets/fix-consumers.ts';
import inspectDeadLetters from './snippets/inspect-dead-letters.ts';
import makeConsumersFail from './snippets/make-consumers-fail.ts';
import queueDepths from './snippets/queue-depths.ts';
import redriveDeadLetters from './snippets/redrive-dead-letters.ts';
import sendBatch from './snippets/send-batch.ts';
import submitBurst from './snippets/submit-burst.ts';
import switchConsumerOff from './snippets/switch-consumer-off.ts';
import switchConsumerOn from './snippets/switch-consumer-on.ts';
import uploadBatch from './snippets/upload-batch.ts';
import uploadMalformedBatch from './snippets/upload-malformed-batch.ts';
import worker from './snippets/worker.ts';

export default defineLab({
  id: 'lab-2',
  slug: 'lab-2-topic-queue-chaining',
  title: 'Topic-queue chaining and load balancing',
  steps: [
    { n: 1, title: 'A queue and a dead-letter queue for each service' },
    { n: 2, title: 'Let only the topic send to the queues' },
    { n: 3, title: 'Subscribe the queues, with raw delivery' },
    { n: 4, title: 'Consume the queues in batches' },
    { n: 5, title: 'A worker that is not a Lambda function' },
    { n: 6, title: 'Trigger the worker from S3' },
  ],
  stack: { className: 'TopicQueueChainingStack' },
  snippets: [
    {
      name: 'submit-ride',
      title: 'Submit a ride completion',
      description: 'POST the sample ride to /submit-ride-completion, as the Wild Rydes app does (the snippet of Lab 1).',
      source: '../lab-1-fan-out/snippets/submit-ride.ts',
      run: submitRide,
    },
    {
      name: 'submit-burst',
      title: 'Submit a burst of 100 rides',
      description: 'POST 100 rides, ten at a time, and watch each service work through its queue.',
      source: 'snippets/submit-burst.ts',
      run: submitBurst,
    },
    {
      name: 'queue-depths',
      title: 'What the queues hold',
      description: 'Waiting, in-flight and delayed messages of every queue and dead-letter queue of the lab.',
      source: 'snippets/queue-depths.ts',
      run: queueDepths,
    },
    {
      name: 'switch-consumer-off',
      title: 'Switch Customer Accounting off',
      description: 'Disable its event source mapping: rides wait in its queue.',
      source: 'snippets/switch-consumer-off.ts',
      run: switchConsumerOff,
    },
    {
      name: 'switch-consumer-on',
      title: 'Switch Customer Accounting on',
      description: 'Enable its event source mapping again and watch its queue drain.',
      source: 'snippets/switch-consumer-on.ts',
      run: switchConsumerOn,
    },
    {
      name: 'make-consumers-fail',
      title: 'Make the consumers fail',
      description: 'Turn on the failure switch: each consumer fails a quarter of its rides, every time.',
      source: 'snippets/make-consumers-fail.ts',
      run: makeConsumersFail,
    },
    {
      name: 'inspect-dead-letters',
      title: 'Find and inspect the dead letters',
      description: 'What each dead-letter queue holds, and why each message failed.',
      source: 'snippets/inspect-dead-letters.ts',
      run: inspectDeadLetters,
    },
    {
      name: 'fix-consumers',
      title: 'Fix the consumers',
      description: 'Turn the failure switch off.',
      source: 'snippets/fix-consumers.ts',
      run: fixConsumers,
    },
    {
      name: 'redrive-dead-letters',
      title: 'Redrive the dead letters',
      description: 'StartMessageMoveTask on every non-empty dead-letter queue, and watch them empty.',
      source: 'snippets/redrive-dead-letters.ts',
      run: redriveDeadLetters,
    },
    {
      name: 'send-batch',
      title: 'Send a batch to the worker',
      description: "Put a partner's batch of 5 rides on RideBatchQueue, in the message.",
      source: 'snippets/send-batch.ts',
      run: sendBatch,
    },
    {
      name: 'upload-batch',
      title: 'Upload a batch file',
      description: "Upload a partner's batch file of 20 rides to the bucket.",
      source: 'snippets/upload-batch.ts',
      run: uploadBatch,
    },
    {
      name: 'upload-malformed-batch',
      title: 'Upload a malformed batch file',
      description: 'Upload a batch whose second ride is broken: it must end in the dead-letter queue with the reason.',
      source: 'snippets/upload-malformed-batch.ts',
      run: uploadMalformedBatch,
    },
    {
      name: 'worker',
      title: 'The ride batch worker',
      description: 'A long-polling consumer process (not a Lambda function) that ingests ride batches until you stop it.',
      source: 'snippets/worker.ts',
      run: worker,
      untilStopped: { feed: 'upload-batch', proof: /✓ s3:\/\/\S+: 20 rides of Unicorns of the North/ },
    },
  ],
  checkpoints,
});
