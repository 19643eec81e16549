import { defineLab } from '../kit/lab.ts';
import { checkpoints } from './checkpoints.ts';
import requestMany from './snippets/request-many.ts';
import requestQuote from './snippets/request-quote.ts';
import slowAndSilent from './snippets/slow-and-silent.ts';
import watchQuotes from './snippets/watch-quotes.ts';

export default defineLab({
  id: 'lab-3',
  slug: 'lab-3-scatter-gather',
  title: 'Scatter-gather',
  steps: [
    { n: 1, title: 'Scatter: the topic and ten providers' },
    { n: 2, title: 'Gather: the response queue and the Quotes Response Service' },
    { n: 3, title: 'Query the quotes' },
    { n: 4, title: 'Aggregate: close once everyone has answered' },
    { n: 5, title: 'The deadline' },
  ],
  stack: { className: 'ScatterGatherStack' },
  // Seconds on the local cloud, so that verifying takes seconds; realistic on AWS (the stack's defaults).
  parameters: {
    ProviderMaxDelaySeconds: { description: 'A provider answers after 0 to this many seconds', local: 2, aws: 10 },
    SlowProviderDelaySeconds: { description: 'A provider switched to "slow" answers after this many seconds', local: 7, aws: 45 },
    DeadlineSeconds: { description: 'A request closes with what arrived after this many seconds', local: 5, aws: 30 },
  },
  snippets: [
    {
      name: 'request-quote',
      title: 'Request a quote',
      description:
        'POST a request for quotes to /submit-instant-ride-rfq, as the Wild Rydes app does, and watch its rows land in RidesBooking.',
      source: 'snippets/request-quote.ts',
      run: requestQuote,
    },
    {
      name: 'watch-quotes',
      title: 'Watch the quotes arrive',
      description:
        'Request quotes and poll GET /query-instant-ride-rfq/{id}, printing each answer as it arrives, until the request closes.',
      source: 'snippets/watch-quotes.ts',
      run: watchQuotes,
    },
    {
      name: 'request-many',
      title: 'Request many at once',
      description: 'Ten requests at once: each closed once, with its best quote and its time to close.',
      source: 'snippets/request-many.ts',
      run: requestMany,
    },
    {
      name: 'slow-and-silent',
      title: 'Make providers slow or silent',
      description:
        'Switch two providers to silent and one to slow in Parameter Store, and watch the deadline close the request with what arrived.',
      source: 'snippets/slow-and-silent.ts',
      run: slowAndSilent,
    },
  ],
  checkpoints,
});
