import { ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { SendTaskSuccessCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  type Checkpoint,
  check,
  cloudformation,
  cloudwatch,
  fail,
  iam,
  labContext,
  optionalOutput,
  output,
  quietPeriodMs,
  sns,
  sqs,
  stepfunctions,
} from '../kit/index.ts';
import {
  cardDataIn,
  type Fare,
  type FareMessage,
  fareItem,
  forgetFares,
  newFare,
  type Outcome,
  outcomeOf,
  runFare,
  takeFareMessages,
} from './saga.ts';
import { callOf, deployedMachine, handlerOf, stateOf } from './state-machine.ts';

// Probe fares carry card data of their own, so that a leak is recognised wherever it ends up.
const probeFare = (customerId: string) => ({ ...newFare(customerId, 'probe'), cc: '4111 1111 1111 1111', expiryDate: '03/30', cvv: '737' });

// The queue each state of the saga leaves a message in.
const QUEUE_OF_STATE = {
  NotifySuccess: 'SuccessfulTransactionsQueueUrl',
  NotifyFailure: 'FailedTransactionsQueueUrl',
  ParkFailedRefund: 'FailedRefundsQueueUrl',
} as const;

/** The probe fares of one checkpoint: runs them, takes their messages, and cleans up after them. */
class Probe {
  private readonly runs: { fare: Fare; outcome: Outcome }[] = [];
  /** Messages taken so far, by queue output and fare id. */
  private readonly taken = new Map<string, number>();

  fare(customerId = '3'): Fare {
    return probeFare(customerId);
  }

  async run(fare: Fare): Promise<Outcome> {
    const outcome = await runFare(fare);
    this.runs.push({ fare, outcome });
    return outcome;
  }

  /** Looks at an execution again (after a human answered it), and remembers what it did since. */
  async refresh(outcome: Outcome): Promise<Outcome> {
    const latest = await outcomeOf(outcome.executionArn);
    const run = this.runs.find((r) => r.outcome.executionArn === outcome.executionArn);
    if (run) run.outcome = latest;
    return latest;
  }

  /** Takes the fares' messages from a queue of the stack (see takeFareMessages). */
  async take(outputName: string, fareIds: string[], options: { timeoutMs?: number } = {}): Promise<Map<string, FareMessage>> {
    const found = await takeFareMessages(await output(outputName), fareIds, options);
    for (const fareId of found.keys()) this.taken.set(`${outputName}|${fareId}`, (this.taken.get(`${outputName}|${fareId}`) ?? 0) + 1);
    return found;
  }

  /** Stops what still runs, takes the messages nobody took, deletes the fares from the table. */
  async cleanUp(): Promise<void> {
    for (const { outcome } of this.runs) {
      if (outcome.status !== 'RUNNING') continue;
      await stepfunctions()
        .send(
          new StopExecutionCommand({
            executionArn: outcome.executionArn,
            error: 'Checkpoint',
            cause: 'Stopped by the checkpoint that started it.',
          }),
        )
        .catch(() => undefined);
    }
    for (const [state, outputName] of Object.entries(QUEUE_OF_STATE)) {
      const queueUrl = await optionalOutput(outputName);
      if (!queueUrl) continue;
      const owed = new Map<string, number>();
      for (const { fare, outcome } of this.runs) if (outcome.path.includes(state)) owed.set(fare.fareId, (owed.get(fare.fareId) ?? 0) + 1);
      for (const [fareId, count] of owed) {
        for (let i = this.taken.get(`${outputName}|${fareId}`) ?? 0; i < count; i++) {
          if ((await takeFareMessages(queueUrl, [fareId], { timeoutMs: quietPeriodMs() * 2 })).size === 0) break;
        }
      }
    }
    await forgetFares([...new Set(this.runs.map((r) => r.fare.fareId))]);
  }
}

/** Runs `work` with a probe, and cleans up after it whatever happens. */
async function probing<T>(work: (probe: Probe) => Promise<T>): Promise<T> {
  const probe = new Probe();
  try {
    return await work(probe);
  } finally {
    await probe.cleanUp();
  }
}

/** Fails with what the execution did, unless it went through `expected` (in this order) and ended `status`. */
function expectPath(outcome: Outcome, expected: string[], status: string, hint: string): void {
  const route = outcome.path.join(' → ') || 'no state';
  let at = 0;
  for (const state of outcome.path) if (state === expected[at]) at++;
  check(
    at === expected.length,
    `Expected the execution to go through ${expected.join(' → ')}; it went ${route} and ended ${outcome.status}${outcome.error ? ` with ${outcome.error}` : ''}. ${hint}`,
  );
  check(
    outcome.status === status,
    `The execution went ${route} and ended ${outcome.status}${outcome.error ? ` with ${outcome.error}` : ''}, not ${status}. ${hint}`,
  );
}

/** The fare's item, checked for its status and for card data. */
async function expectFare(fare: Fare, status: string): Promise<Record<string, string | number>> {
  const item = await fareItem(fare.fareId);
  check(item, `Fare ${fare.fareId} is not in the Fares table.`);
  check(item.fareStatus === status, `Fare ${fare.fareId} is ${item.fareStatus ?? 'without fareStatus'} in the Fares table, not ${status}.`);
  const leaks = cardDataIn(item, fare);
  check(leaks.length === 0, `The Fares table holds card data (${leaks.join(', ')}) for fare ${fare.fareId}: store the fare's fields only.`);
  return item;
}

/** The error a Task state failed with, from the execution's history. */
function taskError(outcome: Outcome, state: string): string | undefined {
  let current = '';
  for (const event of outcome.history) {
    if (event.type?.endsWith('StateEntered')) current = event.stateEnteredEventDetails!.name!;
    const failed = event.taskFailedEventDetails ?? event.lambdaFunctionFailedEventDetails;
    if (current === state && failed) return failed.error;
  }
  return undefined;
}

/** The topic's SQS subscriptions, by the queue URL output they deliver to. */
async function transactionSubscriptions() {
  const topicArn = await output('FareProcessingTopicArn');
  const { Subscriptions = [] } = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
  const byQueue: Record<string, Record<string, string> | undefined> = {};
  for (const outputName of ['SuccessfulTransactionsQueueUrl', 'FailedTransactionsQueueUrl']) {
    const { Attributes } = await sqs().send(
      new GetQueueAttributesCommand({ QueueUrl: await output(outputName), AttributeNames: ['QueueArn'] }),
    );
    const subscription = Subscriptions.find((s) => s.Protocol === 'sqs' && s.Endpoint === Attributes?.QueueArn);
    byQueue[outputName] =
      subscription &&
      (await sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn }))).Attributes;
  }
  return byQueue;
}

/** Answers a parked refund as a human would (SendTaskSuccess), and looks at the execution again. */
async function settle(probe: Probe, outcome: Outcome, taskToken: string): Promise<Outcome> {
  await stepfunctions().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ settledBy: 'checkpoint' }) }));
  return probe.refresh(outcome);
}

/** IAM's decision for the role doing `action` on `resource`. */
async function decision(roleArn: string, action: string, resource: string): Promise<string> {
  const { EvaluationResults = [] } = await iam().send(
    new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: [action], ResourceArns: [resource] }),
  );
  return EvaluationResults[0]?.EvalDecision ?? 'implicitDeny';
}

const THROTTLING = ['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.ThrottlingException', 'DynamoDB.RequestLimitExceeded'];
const LAMBDA_SERVICE_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'];

/** The saga, as LABS.md describes it: each state's next state and where its errors go. */
const SAGA: Record<string, { type: string; next?: string; catches?: [string, string][] }> = {
  RegisterFare: { type: 'Task', next: 'ChargeFare', catches: [['States.ALL', 'NotifyFailure']] },
  ChargeFare: {
    type: 'Task',
    next: 'CreditCustomerAccount',
    catches: [
      ['PaymentAuthException', 'SetFareStatusFailed'],
      ['PaymentChargeException', 'SetFareStatusFailed'],
    ],
  },
  CreditCustomerAccount: { type: 'Task', next: 'SetFareStatusCompleted', catches: [['AccountCreditException', 'RefundFare']] },
  SetFareStatusCompleted: { type: 'Task', next: 'NotifySuccess' },
  NotifySuccess: { type: 'Task', next: 'FareProcessingSucceeded' },
  FareProcessingSucceeded: { type: 'Succeed' },
  RefundFare: { type: 'Task', next: 'SetFareStatusFailed', catches: [['PaymentRefundException', 'ParkFailedRefund']] },
  ParkFailedRefund: { type: 'Task', next: 'SetFareStatusFailed' },
  SetFareStatusFailed: { type: 'Task', next: 'NotifyFailure' },
  NotifyFailure: { type: 'Task', next: 'FareProcessingFailed' },
  FareProcessingFailed: { type: 'Fail' },
};

export const checkpoints: Checkpoint[] = [
  {
    id: 'register-fare',
    step: 1,
    title: 'A Standard state machine starts at RegisterFare, a conditional PutItem into Fares',
    hint: "In stack.ts, create the Fares table and replace the Pass state with `new tasks.DynamoPutItem(this, 'RegisterFare', { table: fares, item: {…}, conditionExpression: 'attribute_not_exists(fareId)', resultPath: sfn.JsonPath.DISCARD })`.",
    async run() {
      const machine = await deployedMachine();
      check(
        machine.type === 'STANDARD',
        `The state machine is ${machine.type}: a saga that charges cards needs a STANDARD one (exactly-once steps, a history of each execution).`,
      );
      check(machine.startAt === 'RegisterFare', `The state machine starts at ${machine.startAt}, not RegisterFare.`);
      const register = stateOf(machine, 'RegisterFare');
      check(
        register.Type === 'Task' && register.Resource === 'arn:aws:states:::dynamodb:putItem',
        `RegisterFare is a ${register.Type}${register.Resource ? ` calling ${register.Resource}` : ''}, not a DynamoDB PutItem task (tasks.DynamoPutItem).`,
      );
      const table = await output('FaresTableName');
      check(
        register.Parameters?.TableName === table,
        `RegisterFare writes to ${register.Parameters?.TableName}, not the Fares table ${table}.`,
      );
      check(
        /attribute_not_exists\(\s*fareId\s*\)/.test(register.Parameters?.ConditionExpression ?? ''),
        `RegisterFare's put has no ConditionExpression attribute_not_exists(fareId) (it has ${register.Parameters?.ConditionExpression ?? 'none'}): a fare started twice would be registered, and charged, twice.`,
      );
      const stored = JSON.stringify(register.Parameters?.Item ?? {});
      check(
        !/\$\.(cc|cvv|expiryDate)\b|"\$"/.test(stored),
        `RegisterFare stores card data: its Item is ${stored}. Store fareId, customerId, fareAmount and the status only.`,
      );
    },
  },
  {
    id: 'register-fare-errors',
    step: 1,
    title: 'RegisterFare retries throttling and catches every other error',
    hint: "In stack.ts, add `registerFare.addRetry({ errors: ['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.ThrottlingException', 'DynamoDB.RequestLimitExceeded'], … })` and `registerFare.addCatch(…, { resultPath: '$.error' })` (States.ALL).",
    async run() {
      const register = stateOf(await deployedMachine(), 'RegisterFare');
      const retried = THROTTLING.filter((error) => handlerOf(register, error).retried);
      check(
        retried.length > 0,
        `RegisterFare does not retry DynamoDB throttling (${THROTTLING.join(', ')}): a busy table would fail the fare.`,
      );
      check(
        !handlerOf(register, 'DynamoDB.ConditionalCheckFailedException').retried,
        'RegisterFare retries DynamoDB.ConditionalCheckFailedException: a fare already registered stays registered, retrying only costs transitions.',
      );
      check(
        (register.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL')),
        'RegisterFare catches no States.ALL: an error it does not retry fails the execution without anyone being told.',
      );
      return `retries ${retried.join(', ')}`;
    },
  },
  {
    id: 'fare-registered',
    step: 1,
    title: 'A fare is registered in the Fares table, without its card data',
    hint: "Give RegisterFare an `item` of the fare's fields (fareId, customerId, fareAmount, fareStatus REGISTERED…), never cc, expiryDate or cvv, and make its execution end SUCCEEDED.",
    async run() {
      return probing(async (probe) => {
        const fare = probe.fare();
        const outcome = await probe.run(fare);
        check(
          outcome.status === 'SUCCEEDED',
          `The execution of a good fare ended ${outcome.status}${outcome.error ? ` with ${outcome.error}: ${outcome.cause}` : ''}.`,
        );
        const item = await fareItem(fare.fareId);
        check(item, `Fare ${fare.fareId} is not in the Fares table after its execution.`);
        check(
          item.customerId === fare.customerId && item.fareAmount === fare.fareAmount,
          `The item misses the fare's customerId or fareAmount: ${JSON.stringify(item)}.`,
        );
        const leaks = cardDataIn(item, fare);
        check(leaks.length === 0, `The Fares table holds card data (${leaks.join(', ')}): ${JSON.stringify(item)}.`);
        return `stored ${Object.keys(item).join(', ')}`;
      });
    },
  },
  {
    id: 'charged-once',
    step: 1,
    title: 'The same fare started twice is registered, and charged, once',
    hint: "RegisterFare must refuse a fare that is already in the table: `conditionExpression: 'attribute_not_exists(fareId)'`, and its catch must lead away from ChargeFare.",
    async run() {
      return probing(async (probe) => {
        const fare = probe.fare();
        const first = await probe.run(fare);
        const before = await fareItem(fare.fareId);
        const second = await probe.run(fare);
        check(
          taskError(second, 'RegisterFare') === 'DynamoDB.ConditionalCheckFailedException',
          `The second execution of fare ${fare.fareId} was not refused by RegisterFare (it went ${second.path.join(' → ')}).`,
        );
        const charges = [first, second].filter((o) => o.path.includes('ChargeFare')).length;
        check(charges <= 1 && !second.path.includes('ChargeFare'), `Fare ${fare.fareId} went through ChargeFare ${charges} times.`);
        check(
          JSON.stringify(await fareItem(fare.fareId)) === JSON.stringify(before),
          'The second execution changed the fare in the table: the failure path of a refused registration must not touch the fare (catch it to NotifyFailure, not SetFareStatusFailed).',
        );
        return `first ${first.status}, second ${second.status} at RegisterFare`;
      });
    },
  },
  {
    id: 'good-fare-completed',
    step: 2,
    title: 'A good fare is charged, credited and COMPLETED in the Fares table',
    hint: "In stack.ts, add the ChargeFare and CreditCustomerAccount tasks (tasks.LambdaInvoke) and SetFareStatusCompleted (tasks.DynamoUpdateItem, fareStatus = 'COMPLETED'), and chain them: registerFare.next(chargeFare).next(creditCustomerAccount).next(setFareStatusCompleted)….",
    async run() {
      return probing(async (probe) => {
        const fare = probe.fare();
        const outcome = await probe.run(fare);
        expectPath(
          outcome,
          ['RegisterFare', 'ChargeFare', 'CreditCustomerAccount', 'SetFareStatusCompleted', 'FareProcessingSucceeded'],
          'SUCCEEDED',
          'Chain the tasks after RegisterFare and end in FareProcessingSucceeded.',
        );
        const item = await expectFare(fare, 'COMPLETED');
        return `${outcome.path.length} states in ${outcome.durationMs} ms, charge ${item.chargeId ?? '(no chargeId stored)'}`;
      });
    },
  },
  {
    id: 'lambda-errors-retried',
    step: 2,
    title: "The payment tasks retry Lambda's own errors (Lambda.ServiceException…)",
    hint: 'Keep `retryOnServiceExceptions: true` on each tasks.LambdaInvoke (the CDK default): it retries Lambda.ServiceException, Lambda.AWSLambdaException and Lambda.SdkClientException.',
    async run() {
      const machine = await deployedMachine();
      for (const name of ['ChargeFare', 'CreditCustomerAccount']) {
        const state = stateOf(machine, name, 'Add it with tasks.LambdaInvoke.');
        const missing = LAMBDA_SERVICE_ERRORS.filter((error) => !handlerOf(state, error).retried);
        check(missing.length === 0, `${name} does not retry ${missing.join(', ')}: a passing hiccup of Lambda would fail the fare.`);
        for (const error of ['PaymentAuthException', 'PaymentChargeException', 'AccountCreditException']) {
          check(
            !handlerOf(state, error).retried,
            `${name} retries ${error}: a declined card stays declined, and a retried charge may charge twice.`,
          );
        }
      }
    },
  },
  {
    id: 'least-privilege',
    step: 2,
    title: "The state machine's role may do what its tasks do, and nothing broader",
    hint: "Let the CDK's task constructs grant the permissions (they add exactly what each task calls). Remove any hand-written policy with a `*` action or resource, and any managed policy attached to the role.",
    async run() {
      const machine = await deployedMachine();
      const roleName = machine.roleArn.split('/').pop()!;
      const { AttachedPolicies = [] } = await iam().send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
      check(
        AttachedPolicies.length === 0,
        `The role has managed policies attached (${AttachedPolicies.map((p) => p.PolicyName).join(', ')}): they allow more than the tasks call.`,
      );
      const { PolicyNames = [] } = await iam().send(new ListRolePoliciesCommand({ RoleName: roleName }));
      for (const PolicyName of PolicyNames) {
        const { PolicyDocument } = await iam().send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }));
        const statements = [JSON.parse(decodeURIComponent(PolicyDocument ?? '{}')).Statement ?? []].flat() as {
          Effect: string;
          Action?: string | string[];
          NotAction?: unknown;
          Resource?: string | string[];
        }[];
        for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
          const actions = [statement.Action ?? []].flat();
          check(!statement.NotAction, `Policy ${PolicyName} allows everything but some actions (NotAction).`);
          check(
            !actions.some((a) => a.includes('*')),
            `Policy ${PolicyName} allows ${actions.filter((a) => a.includes('*')).join(', ')}: name the actions the tasks call instead.`,
          );
          check(
            ![statement.Resource ?? []].flat().includes('*'),
            `Policy ${PolicyName} allows ${actions.join(', ')} on every resource ("*").`,
          );
        }
      }
      const calls = Object.values(machine.states).flatMap((state) =>
        state.Type === 'Task' ? [callOf(machine, state)].filter((c) => c !== undefined) : [],
      );
      for (const { action, resource } of calls) {
        const allowed = await decision(machine.roleArn, action, resource);
        check(allowed === 'allowed', `The role may not ${action} on ${resource} (${allowed}), which a task calls.`);
      }
      const [, , , region, account] = machine.arn.split(':');
      const table = `arn:aws:dynamodb:${region}:${account}:table/${await output('FaresTableName')}`;
      const broader = [
        ['dynamodb:DeleteItem', table],
        ['dynamodb:Scan', table],
        ['dynamodb:DeleteTable', table],
        ['lambda:InvokeFunction', `arn:aws:lambda:${region}:${account}:function:someone-else-ChargeFareFunction`],
        ['sns:Publish', `arn:aws:sns:${region}:${account}:someone-else-WildRydesFareProcessingTopic`],
        ['sqs:SendMessage', `arn:aws:sqs:${region}:${account}:someone-else-WildRydesFailedRefundsQueue`],
      ];
      for (const [action, resource] of broader) {
        const allowed = await decision(machine.roleArn, action, resource);
        check(allowed !== 'allowed', `The role may ${action} on ${resource}, which no task calls.`);
      }
      return `${calls.length} task calls allowed, ${broader.length} broader ones denied`;
    },
  },
  {
    id: 'payment-failure-compensated',
    step: 3,
    title: 'A declined card or a failed charge ends FAILED, with the fare FAILED in the table',
    hint: "In stack.ts, add SetFareStatusFailed (fareStatus = 'FAILED') and FareProcessingFailed, and `chargeFare.addCatch(setFareStatusFailed, { errors: ['PaymentAuthException', 'PaymentChargeException'], resultPath: '$.error' })`.",
    async run() {
      return probing(async (probe) => {
        const fares = [probe.fare('3_fail_auth'), probe.fare('3_fail_charge')];
        const outcomes = await Promise.all(fares.map((fare) => probe.run(fare)));
        for (const [i, expected] of ['PaymentAuthException', 'PaymentChargeException'].entries()) {
          const outcome = outcomes[i];
          check(
            taskError(outcome, 'ChargeFare') === expected,
            `Customer ${fares[i].customerId}: ChargeFare did not fail with ${expected} (it went ${outcome.path.join(' → ')}).`,
          );
          expectPath(
            outcome,
            ['ChargeFare', 'SetFareStatusFailed', 'FareProcessingFailed'],
            'FAILED',
            `Catch ${expected} on ChargeFare and go to SetFareStatusFailed.`,
          );
          check(!outcome.path.includes('RefundFare'), `Customer ${fares[i].customerId} was refunded, yet was never charged.`);
          check(
            outcome.error === expected,
            `The execution failed with ${outcome.error}, not ${expected}: give FareProcessingFailed errorPath '$.error.Error' and causePath '$.error.Cause'.`,
          );
          await expectFare(fares[i], 'FAILED');
        }
      });
    },
  },
  {
    id: 'credit-failure-refunded',
    step: 3,
    title: 'A failed credit refunds the charge, then ends FAILED with the fare FAILED',
    hint: "In stack.ts, add RefundFare (tasks.LambdaInvoke of services.refundFare, with the chargeId), `creditCustomerAccount.addCatch(refundFare, { errors: ['AccountCreditException'], resultPath: '$.error' })` and `refundFare.next(setFareStatusFailed)`.",
    async run() {
      return probing(async (probe) => {
        const fare = probe.fare('3_fail_credit');
        const outcome = await probe.run(fare);
        check(
          taskError(outcome, 'CreditCustomerAccount') === 'AccountCreditException',
          `CreditCustomerAccount did not fail with AccountCreditException (the execution went ${outcome.path.join(' → ')}).`,
        );
        expectPath(
          outcome,
          ['ChargeFare', 'CreditCustomerAccount', 'RefundFare', 'SetFareStatusFailed', 'FareProcessingFailed'],
          'FAILED',
          'Catch AccountCreditException on CreditCustomerAccount and compensate the charge with RefundFare.',
        );
        check(!taskError(outcome, 'RefundFare'), `RefundFare failed: ${taskError(outcome, 'RefundFare')}.`);
        await expectFare(fare, 'FAILED');
      });
    },
  },
  {
    id: 'outcome-notifications',
    step: 4,
    title: 'WildRydesFareProcessingTopic feeds the two transaction queues, raw, filtered on IsSuccessful',
    hint: "In stack.ts, add the topic and the two queues, and subscribe each with `new subscriptions.SqsSubscription(queue, { rawMessageDelivery: true, filterPolicy: { IsSuccessful: sns.SubscriptionFilter.stringFilter({ allowlist: ['true'] }) } })` ('false' for the failed one).",
    async run() {
      const { target } = labContext();
      const topicArn = await output('FareProcessingTopicArn');
      check(
        topicArn.endsWith(`:${target.prefix}-WildRydesFareProcessingTopic`),
        `The topic is ${topicArn.split(':').pop()}, not ${target.prefix}-WildRydesFareProcessingTopic.`,
      );
      const subscriptions = await transactionSubscriptions();
      for (const [outputName, value] of [
        ['SuccessfulTransactionsQueueUrl', 'true'],
        ['FailedTransactionsQueueUrl', 'false'],
      ] as const) {
        const queue = (await output(outputName)).split('/').pop();
        const attributes = subscriptions[outputName];
        check(attributes, `${queue} is not subscribed to the topic.`);
        check(
          attributes.RawMessageDelivery === 'true',
          `The subscription of ${queue} does not use raw delivery: its consumers would get SNS's envelope around the fare.`,
        );
        const policy = JSON.parse(attributes.FilterPolicy ?? '{}');
        check(
          JSON.stringify(policy) === JSON.stringify({ IsSuccessful: [value] }),
          `The subscription of ${queue} filters ${attributes.FilterPolicy ?? 'nothing'}, not {"IsSuccessful":["${value}"]}.`,
        );
      }
      const machine = await deployedMachine();
      for (const [state, value] of [
        ['NotifySuccess', 'true'],
        ['NotifyFailure', 'false'],
      ]) {
        const notify = stateOf(machine, state, 'Add it with tasks.SnsPublish.');
        check(
          notify.Resource === 'arn:aws:states:::sns:publish' && notify.Parameters?.TopicArn === topicArn,
          `${state} does not publish to the topic.`,
        );
        const attribute = notify.Parameters?.MessageAttributes?.IsSuccessful;
        check(attribute?.StringValue === value, `${state} publishes IsSuccessful=${attribute?.StringValue ?? '(none)'}, not "${value}".`);
      }
    },
  },
  {
    id: 'outcomes-reach-queues',
    step: 4,
    title: 'Each outcome reaches its queue: a good fare the successful one, a failed or repeated fare the failed one',
    hint: "Chain NotifySuccess after SetFareStatusCompleted, NotifyFailure after SetFareStatusFailed, and catch RegisterFare to NotifyFailure. The messages carry the fare's fields, never the card data.",
    async run() {
      return probing(async (probe) => {
        const good = probe.fare();
        const failed = probe.fare('3_fail_charge');
        const [goodOutcome, failedOutcome] = await Promise.all([probe.run(good), probe.run(failed)]);
        const repeated = await probe.run(good);
        const message = (await probe.take('SuccessfulTransactionsQueueUrl', [good.fareId])).get(good.fareId);
        check(
          message,
          `The good fare ${good.fareId} did not reach the successful transactions queue (its execution went ${goodOutcome.path.join(' → ')}).`,
        );
        check(
          message.attributes.IsSuccessful === 'true',
          `The good fare's message has IsSuccessful=${message.attributes.IsSuccessful ?? '(none)'}.`,
        );
        const leaks = cardDataIn(message.body, good);
        check(
          leaks.length === 0,
          `The successful transaction message carries card data (${leaks.join(', ')}): publish the fare's fields, not the whole state.`,
        );
        // Both the failed fare and the repeated good one go to the failed queue; neither to the other.
        const failures = await probe.take('FailedTransactionsQueueUrl', [failed.fareId, good.fareId]);
        check(
          failures.has(failed.fareId),
          `The failed fare ${failed.fareId} did not reach the failed transactions queue (its execution went ${failedOutcome.path.join(' → ')}).`,
        );
        check(
          failures.has(good.fareId),
          `The repeated fare ${good.fareId}, refused by RegisterFare, did not reach the failed transactions queue (its execution went ${repeated.path.join(' → ')}).`,
        );
        check(
          failures.get(failed.fareId)!.attributes.IsSuccessful === 'false',
          `The failed fare's message has IsSuccessful=${failures.get(failed.fareId)!.attributes.IsSuccessful ?? '(none)'}.`,
        );
        // SNS delivers one publish to both subscriptions together: the failed fare, now in the failed
        // queue, would be in the successful one too if its filter let it through.
        check(
          (await probe.take('SuccessfulTransactionsQueueUrl', [failed.fareId], { timeoutMs: 0 })).size === 0,
          'A failed fare reached the successful transactions queue: check the filter policies.',
        );
      });
    },
  },
  {
    id: 'failed-refund-parked',
    step: 5,
    title: 'A refund that fails is parked in WildRydesFailedRefundsQueue, never lost',
    hint: "In stack.ts, add the WildRydesFailedRefundsQueue, ParkFailedRefund (tasks.SqsSendMessage with the fare's fields, the chargeId and $.refundError) and `refundFare.addCatch(parkFailedRefund, { resultPath: '$.refundError' })`, then `parkFailedRefund.next(setFareStatusFailed)`.",
    async run() {
      return probing(async (probe) => {
        const fare = probe.fare('3_fail_refund');
        let outcome = await probe.run(fare);
        check(
          taskError(outcome, 'RefundFare') === 'PaymentRefundException',
          `RefundFare did not fail with PaymentRefundException (the execution went ${outcome.path.join(' → ')}).`,
        );
        check(
          outcome.path.includes('ParkFailedRefund'),
          `The failed refund was not caught: the execution went ${outcome.path.join(' → ')} and ended ${outcome.status}${outcome.error ? ` with ${outcome.error}` : ''}. Nobody knows the customer is owed ${fare.fareAmount}.`,
        );
        const parked = (await probe.take('FailedRefundsQueueUrl', [fare.fareId])).get(fare.fareId);
        check(parked, `Fare ${fare.fareId} is not in the failed refunds queue.`);
        for (const field of ['fareId', 'customerId', 'fareAmount', 'chargeId'])
          check(
            parked.body[field],
            `The parked refund has no ${field}: a human needs it to give the money back. It has: ${Object.keys(parked.body).join(', ')}.`,
          );
        const leaks = cardDataIn(parked.body, fare);
        check(leaks.length === 0, `The parked refund carries card data (${leaks.join(', ')}).`);
        // With the bonus step, the execution waits for the human: answer as one.
        if (outcome.waitingIn && typeof parked.body.taskToken === 'string') outcome = await settle(probe, outcome, parked.body.taskToken);
        expectPath(
          outcome,
          ['RefundFare', 'ParkFailedRefund', 'SetFareStatusFailed', 'FareProcessingFailed'],
          'FAILED',
          'After parking the refund, go on to SetFareStatusFailed.',
        );
        await expectFare(fare, 'FAILED');
      });
    },
  },
  {
    id: 'failed-refund-alarm',
    step: 5,
    title: 'A CloudWatch alarm goes off as soon as one refund waits in the queue',
    hint: "In stack.ts, add `failedRefunds.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }).createAlarm(this, 'FailedRefundsAlarm', { threshold: 1, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, … })`.",
    async run() {
      const { stackName } = labContext();
      const queueName = (await output('FailedRefundsQueueUrl')).split('/').pop();
      const { StackResourceSummaries = [] } = await cloudformation().send(new ListStackResourcesCommand({ StackName: stackName }));
      const names = StackResourceSummaries.filter((r) => r.ResourceType === 'AWS::CloudWatch::Alarm').map((r) => r.PhysicalResourceId!);
      check(names.length > 0, 'The stack has no CloudWatch alarm.');
      const { MetricAlarms = [] } = await cloudwatch().send(new DescribeAlarmsCommand({ AlarmNames: names }));
      const onQueue = MetricAlarms.filter(
        (a) => a.Namespace === 'AWS/SQS' && a.Dimensions?.some((d) => d.Name === 'QueueName' && d.Value === queueName),
      );
      check(
        onQueue.length > 0,
        `No alarm of the stack watches ${queueName} (alarms: ${MetricAlarms.map((a) => `${a.AlarmName} on ${a.MetricName}`).join(', ')}).`,
      );
      const fires = onQueue.find((a) => {
        if (a.MetricName === 'ApproximateAgeOfOldestMessage') return true;
        if (a.MetricName !== 'ApproximateNumberOfMessagesVisible') return false;
        return (
          (a.ComparisonOperator === 'GreaterThanOrEqualToThreshold' && a.Threshold! <= 1) ||
          (a.ComparisonOperator === 'GreaterThanThreshold' && a.Threshold! < 1)
        );
      });
      check(fires, `The alarms on ${queueName} would not go off for a single refund: alarm on ApproximateNumberOfMessagesVisible >= 1.`);
      return `${fires.AlarmName} (${fires.StateValue})`;
    },
  },
  {
    id: 'saga-shape',
    step: 5,
    title: 'The state machine has the states and transitions of the fare-collection saga',
    hint: 'Compare your transitions with the diagram at the top of the page: each `.next()` and `.addCatch()` in stack.ts draws one arrow.',
    async run() {
      const machine = await deployedMachine();
      const problems: string[] = [];
      for (const [name, expected] of Object.entries(SAGA)) {
        const state = machine.states[name];
        if (!state) {
          problems.push(`${name} is missing`);
          continue;
        }
        if (state.Type !== expected.type) problems.push(`${name} is a ${state.Type}, not a ${expected.type}`);
        if (expected.next && state.Next !== expected.next)
          problems.push(`${name} goes to ${state.Next ?? 'nothing'}, not ${expected.next}`);
        for (const [error, next] of expected.catches ?? []) {
          const caughtBy = handlerOf(state, error).caughtBy;
          if (caughtBy !== next) problems.push(`${name} sends ${error} to ${caughtBy ?? 'nobody'}, not ${next}`);
        }
      }
      // A timed-out charge may have charged: only the errors that say "nothing happened" lead to "nothing to undo".
      for (const name of ['ChargeFare', 'CreditCustomerAccount']) {
        const catchAll = (machine.states[name]?.Catch ?? [])
          .flatMap((c) => c.ErrorEquals)
          .filter((e) => e === 'States.ALL' || e === 'States.TaskFailed');
        if (catchAll.length)
          problems.push(
            `${name} catches ${catchAll.join(', ')}: a timeout or a Lambda error does not mean the payment did not happen; catch the payment errors by name`,
          );
      }
      const extra = Object.keys(machine.states).filter((name) => !(name in SAGA));
      if (extra.length) problems.push(`states the saga does not have: ${extra.join(', ')}`);
      if (problems.length) fail(problems.join('; '));
      return `${Object.keys(SAGA).length} states`;
    },
  },
  {
    id: 'refund-settled-by-human',
    step: 6,
    title: 'Bonus: a parked refund waits for a human, who answers with SendTaskSuccess',
    hint: "In stack.ts, give ParkFailedRefund `integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN`, `taskToken: sfn.JsonPath.taskToken` in its message body, a `taskTimeout`, and `resultPath: '$.settlement'`.",
    async run() {
      const machine = await deployedMachine();
      const park = stateOf(machine, 'ParkFailedRefund');
      check(
        park.Resource === 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        `ParkFailedRefund calls ${park.Resource}, not sqs:sendMessage.waitForTaskToken: the saga does not wait for the human.`,
      );
      check(
        park.TimeoutSeconds !== undefined || park.HeartbeatSeconds !== undefined,
        'ParkFailedRefund waits without a timeout: a refund nobody answers would keep its execution open for a year.',
      );
      return probing(async (probe) => {
        const fare = probe.fare('3_fail_refund');
        const parked = await probe.run(fare);
        const message = (await probe.take('FailedRefundsQueueUrl', [fare.fareId])).get(fare.fareId);
        check(message, `Fare ${fare.fareId} is not in the failed refunds queue (the execution went ${parked.path.join(' → ')}).`);
        const { taskToken } = message.body;
        check(
          typeof taskToken === 'string',
          `The parked refund carries no taskToken (it has ${Object.keys(message.body).join(', ')}): the human could not answer.`,
        );
        // The message was sent and nobody answered yet: the history shows the task submitted and open.
        check(
          parked.status === 'RUNNING' && parked.waitingIn === 'ParkFailedRefund',
          `The execution did not wait for the human: it is ${parked.status}, in ${parked.path.at(-1)}.`,
        );
        const outcome = await settle(probe, parked, taskToken);
        expectPath(
          outcome,
          ['ParkFailedRefund', 'SetFareStatusFailed', 'NotifyFailure', 'FareProcessingFailed'],
          'FAILED',
          'After the human answered, the saga goes on to SetFareStatusFailed.',
        );
        return 'the saga waited, and went on after SendTaskSuccess';
      });
    },
  },
];
