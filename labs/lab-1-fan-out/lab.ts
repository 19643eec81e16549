import { defineLab } from '../kit/lab.ts';
import { checkpoints } from './checkpoints.ts';
import publishTestMessage from './snippets/publish-test-message.ts';
import submitRide from './snippets/submit-ride.ts';
import tailLogs from './snippets/tail-logs.ts';
import { FanOutSolutionStack } from './solution/stack.ts';
import { FanOutStack } from './stack.ts';

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
  starter: (scope, id, props) => new FanOutStack(scope, id, props),
  solution: (step) => (scope, id, props) => new FanOutSolutionStack(scope, id, { ...props, step }),
  snippets: [
    { name: 'submit-ride', title: 'Submit a ride completion', description: 'POST the sample ride to /submit-ride-completion, as the Wild Rydes app does.', source: 'snippets/submit-ride.ts', run: submitRide },
    { name: 'publish-test-message', title: 'Publish a test message', description: 'Publish a ride straight to the topic with its fare and distance attributes.', source: 'snippets/publish-test-message.ts', run: publishTestMessage },
    { name: 'tail-logs', title: "Tail the subscribers' logs", description: 'Show which rides each subscriber service received, from CloudWatch Logs.', source: 'snippets/tail-logs.ts', run: tailLogs },
  ],
  checkpoints,
});
