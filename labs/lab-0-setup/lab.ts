import { defineLab } from '../kit/lab.ts';
import { checkpoints } from './checkpoints.ts';
import helloQueue from './snippets/hello-queue.ts';

export default defineLab({
  id: 'lab-0',
  slug: 'lab-0-setup',
  title: 'Set up',
  steps: [
    { n: 1, title: 'Check your environment' },
    { n: 2, title: 'Say hello through a queue' },
  ],
  snippets: [
    {
      name: 'hello-queue',
      title: 'Hello, queue',
      description: 'Create a queue, send a message, receive it, delete it, and remove the queue.',
      source: 'snippets/hello-queue.ts',
      run: helloQueue,
    },
  ],
  checkpoints,
});
