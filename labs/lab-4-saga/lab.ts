import { defineLab } from '../kit/lab.ts';
import { checkpoints } from './checkpoints.ts';
import cost from './snippets/cost.ts';
import executionHistory from './snippets/execution-history.ts';
import processGoodFare, { processFare } from './snippets/process-fare.ts';
import sameFareTwice from './snippets/same-fare-twice.ts';
import settleRefund from './snippets/settle-refund.ts';

const forced = (suffix: string, title: string, description: string) => ({
  name: `fare${suffix.replaceAll('_', '-')}`,
  title,
  description,
  source: 'snippets/process-fare.ts',
  run: () => processFare(`3${suffix}`),
});

export default defineLab({
  id: 'lab-4',
  slug: 'lab-4-saga',
  title: 'Orchestration and coordination: the fare-collection saga',
  steps: [
    { n: 1, title: 'Register the fare, once' },
    { n: 2, title: 'Charge the fare and credit the account' },
    { n: 3, title: 'Compensate: refund what was charged' },
    { n: 4, title: 'Tell the rest of Wild Rydes how it ended' },
    { n: 5, title: 'Park a refund that fails for a human' },
    { n: 6, title: 'Bonus: a human settles the refund (callback)' },
  ],
  stack: { className: 'FareProcessingStack' },
  snippets: [
    {
      name: 'process-fare',
      title: 'Process a good fare',
      description: 'Start an execution for customer 3 and show its path, the Fares table and the message it left.',
      source: 'snippets/process-fare.ts',
      run: processGoodFare,
    },
    forced(
      '_fail_auth',
      'A declined card (_fail_auth)',
      'Customer 3_fail_auth: ChargeFare throws PaymentAuthException, which the saga catches.',
    ),
    forced(
      '_fail_charge',
      'A failed charge (_fail_charge)',
      'Customer 3_fail_charge: ChargeFare throws PaymentChargeException, which the saga catches.',
    ),
    forced(
      '_fail_credit',
      'A failed credit (_fail_credit)',
      'Customer 3_fail_credit: CreditCustomerAccount throws AccountCreditException, and the saga refunds the charge.',
    ),
    forced(
      '_fail_refund',
      'A failed refund (_fail_refund)',
      'Customer 3_fail_refund: the credit fails, then the refund fails too, and the saga parks it for a human.',
    ),
    {
      name: 'same-fare-twice',
      title: 'The same fare twice',
      description: 'Start one fare twice, with the same execution name and with a new one: it is charged once.',
      source: 'snippets/same-fare-twice.ts',
      run: sameFareTwice,
    },
    {
      name: 'execution-history',
      title: 'Read the execution history',
      description: 'GetExecutionHistory of your latest execution, event by event, as the console shows it.',
      source: 'snippets/execution-history.ts',
      run: executionHistory,
    },
    {
      name: 'cost',
      title: 'What your executions cost',
      description: 'State transitions of the executions you ran, priced as Standard, and what Express would cost.',
      source: 'snippets/cost.ts',
      run: cost,
    },
    {
      name: 'settle-refund',
      title: 'Settle the parked refunds',
      description: 'Act as the human: read the parked refunds and answer each waiting execution with SendTaskSuccess.',
      source: 'snippets/settle-refund.ts',
      run: settleRefund,
    },
  ],
  checkpoints,
});
