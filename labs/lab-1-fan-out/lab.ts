import { defineLab } from '../kit/lab.ts';
import { checkpoints } from './checkpoints.ts';
import deliverTwice from './snippets/deliver-twice.ts';
import publishTestMessages from './snippets/publish-test-messages.ts';
import submitRide from './snippets/submit-ride.ts';
import tailLogs from './snippets/tail-logs.ts';

export default defineLab({
  id: 'lab-1',
  slug: 'lab-1-fan-out',
  title: 'Fan-out and message filtering',
  steps: [
    { n: 1, title: 'Create the RideCompletionTopic' },
    { n: 2, title: 'Publish from the Unicorn Management Service' },
    { n: 3, title: 'Subscribe the three services' },
    { n: 4, title: 'Filter extraordinary rides' },
    { n: 5, title: 'Bonus: the same routing with EventBridge' },
  ],
  stack: { className: 'FanOutStack' },
  snippets: [
    {
      name: 'submit-ride',
      title: 'Submit a ride completion',
      description: 'POST the sample ride to /submit-ride-completion, as the Wild Rydes app does.',
      source: 'snippets/submit-ride.ts',
      run: submitRide,
    },
    {
      name: 'publish-test-messages',
      title: 'Publish two test messages',
      description:
        'Publish a long and a short ride straight to the topic, with their fare and distance attributes, and see which service received which.',
      source: 'snippets/publish-test-messages.ts',
      run: publishTestMessages,
    },
    {
      name: 'deliver-twice',
      title: 'Deliver one message twice',
      description: 'Deliver the same SNS message twice to the Customer Accounting Service, as SNS may, and see it charge once.',
      source: 'snippets/deliver-twice.ts',
      run: deliverTwice,
    },
    {
      name: 'tail-logs',
      title: "Tail the subscribers' logs",
      description: 'Show which rides each subscriber service received, from CloudWatch Logs.',
      source: 'snippets/tail-logs.ts',
      run: tailLogs,
    },
  ],
  checkpoints,
});
