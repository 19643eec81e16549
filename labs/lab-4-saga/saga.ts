// What the snippets and the checkpoints of Lab 4 share: start a fare, wait for its execution,
// read its history, the Fares table and the queues. Public APIs only, so it runs on AWS unchanged.
import { randomUUID } from 'node:crypto';
import { type AttributeValue, DeleteItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, MessageNotInflight, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { dynamodb, fail, labContext, optionalOutput, output, probeDeadlineMs, sqs, stepfunctions } from '../kit/index.ts';

/** The fare of the lab's examples. Card data goes in; the saga must never store or forward it. */
export const SAMPLE_FARE = {
  customerId: '3',
  fareId: 'wr_563',
  fareAmount: '$20.00',
  cc: '2424 2424 2424 2424',
  expiryDate: '12/22',
  cvv: '111',
};

export type Fare = typeof SAMPLE_FARE;

/** A fare of its own (a new fare id) for `customerId`; the suffixes `_fail_auth`… force failures. */
export function newFare(customerId = SAMPLE_FARE.customerId, label = 'wr'): Fare {
  return { ...SAMPLE_FARE, customerId, fareId: `${label}_${randomUUID().slice(0, 8)}` };
}

/** Starts an execution of the lab's state machine for `fare`; returns its ARN. */
export async function startFare(fare: Fare, name = `${fare.fareId}-${randomUUID().slice(0, 4)}`): Promise<string> {
  const { executionArn } = await stepfunctions().send(
    new StartExecutionCommand({ stateMachineArn: await output('StateMachineArn'), name, input: JSON.stringify(fare) }),
  );
  return executionArn!;
}

/** Every event of an execution's history, oldest first (GetExecutionHistory, all pages). */
export async function historyOf(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await stepfunctions().send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Where an execution stands once it has ended, or once it waits for a task token. */
export interface Outcome {
  executionArn: string;
  status: DescribeExecutionCommandOutput['status'];
  error?: string;
  cause?: string;
  durationMs?: number;
  history: HistoryEvent[];
  /** The states entered, in order. */
  path: string[];
  /** The state waiting for a task token (a callback task), when the execution waits for one. */
  waitingIn?: string;
}

/** The states an execution entered, in order. */
export function pathOf(history: HistoryEvent[]): string[] {
  return history.flatMap((event) => (event.type?.endsWith('StateEntered') ? [event.stateEnteredEventDetails!.name!] : []));
}

/** The state an execution waits in for a task token: its last task was submitted and has no answer yet. */
export function waitingIn(history: HistoryEvent[]): string | undefined {
  const scheduled = history.findLastIndex((e) => e.type === 'TaskScheduled');
  if (scheduled < 0 || !history[scheduled].taskScheduledEventDetails?.resource?.endsWith('.waitForTaskToken')) return undefined;
  const after = history.slice(scheduled + 1).map((e) => e.type);
  if (!after.includes('TaskSubmitted') || after.some((type) => /^Task(Succeeded|Failed|TimedOut)$/.test(type ?? ''))) return undefined;
  return pathOf(history.slice(0, scheduled)).at(-1);
}

/**
 * Waits until the execution has ended (or waits for a human's task token) and returns where it
 * stands. Locally an execution takes milliseconds; on AWS, about a second.
 */
export async function outcomeOf(executionArn: string, timeoutMs = probeDeadlineMs()): Promise<Outcome> {
  const deadline = Date.now() + timeoutMs;
  const pause = labContext().target.kind === 'aws' ? 500 : 15;
  for (;;) {
    const execution = await stepfunctions().send(new DescribeExecutionCommand({ executionArn }));
    const running = execution.status === 'RUNNING';
    const history = running ? await historyOf(executionArn) : [];
    const waiting = running ? waitingIn(history) : undefined;
    if (!running || waiting) {
      const final = running ? history : await historyOf(executionArn);
      const durationMs =
        execution.stopDate && execution.startDate ? execution.stopDate.getTime() - execution.startDate.getTime() : undefined;
      return {
        executionArn,
        status: execution.status,
        error: execution.error,
        cause: execution.cause,
        durationMs,
        history: final,
        path: pathOf(final),
        waitingIn: waiting,
      };
    }
    if (Date.now() > deadline)
      fail(
        `Execution ${executionArn.split(':').pop()} is still RUNNING after ${(timeoutMs / 1000).toFixed(1)} s (in ${pathOf(history).at(-1) ?? 'no state yet'}).`,
      );
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** Starts `fare` and waits for its outcome. */
export async function runFare(fare: Fare): Promise<Outcome> {
  return outcomeOf(await startFare(fare));
}

/** What an execution did, state by state, as the console's graph shows it: one line per state. */
export function describePath(history: HistoryEvent[]): string[] {
  const lines: string[] = [];
  let current: { name: string; notes: string[] } | undefined;
  const flush = () => current && lines.push(`${current.name}${current.notes.length ? `  (${current.notes.join('; ')})` : ''}`);
  for (const event of history) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) {
      flush();
      current = { name: event.stateEnteredEventDetails!.name!, notes: [] };
    } else if (type === 'TaskFailed' || type === 'LambdaFunctionFailed') {
      current?.notes.push(`✕ ${(event.taskFailedEventDetails ?? event.lambdaFunctionFailedEventDetails)?.error}`);
    } else if (type === 'TaskTimedOut') {
      current?.notes.push('✕ timed out');
    } else if (type === 'TaskSubmitted' && waitingIn(history) === current?.name) {
      current?.notes.push('waits for a task token');
    }
  }
  flush();
  return lines;
}

/** A DynamoDB item as plain values (the Fares table holds strings and numbers only). */
function plain(item: Record<string, AttributeValue> | undefined): Record<string, string | number> | undefined {
  if (!item) return undefined;
  return Object.fromEntries(
    Object.entries(item).map(([key, value]) => [key, value.N !== undefined ? Number(value.N) : (value.S ?? JSON.stringify(value))]),
  );
}

/** The fare's item in the Fares table, or undefined. */
export async function fareItem(fareId: string): Promise<Record<string, string | number> | undefined> {
  const { Item } = await dynamodb().send(
    new GetItemCommand({ TableName: await output('FaresTableName'), Key: { fareId: { S: fareId } }, ConsistentRead: true }),
  );
  return plain(Item);
}

/** Removes the items a probe's fares left in the Fares table (when there is a table). */
export async function forgetFares(fareIds: string[]): Promise<void> {
  const TableName = await optionalOutput('FaresTableName');
  if (!TableName) return;
  await Promise.all(fareIds.map((fareId) => dynamodb().send(new DeleteItemCommand({ TableName, Key: { fareId: { S: fareId } } }))));
}

/** A message of a fare, as a queue holds it. */
export interface FareMessage {
  body: Record<string, unknown>;
  attributes: Record<string, string>;
}

/**
 * Takes the messages of the given fares from a queue: waits (until `timeoutMs`) for one message per
 * fare, deletes them unless `keep`, and gives the others straight back (visibility 0), so that
 * someone else looking for theirs at the same time is not kept waiting.
 */
export async function takeFareMessages(
  queueUrl: string,
  fareIds: string[],
  options: { timeoutMs?: number; keep?: boolean } = {},
): Promise<Map<string, FareMessage>> {
  const found = new Map<string, FareMessage>();
  const deadline = Date.now() + (options.timeoutMs ?? probeDeadlineMs());
  const aws = labContext().target.kind === 'aws';
  while (found.size < fareIds.length) {
    const { Messages = [] } = await sqs().send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: aws ? 1 : 0,
        MessageAttributeNames: ['All'],
      }),
    );
    for (const message of Messages) {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(message.Body ?? '');
      } catch {
        // Not a fare message: give it back below.
      }
      const fareId = String(body.fareId ?? '');
      if (fareIds.includes(fareId) && !found.has(fareId)) {
        found.set(fareId, {
          body,
          attributes: Object.fromEntries(
            Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue ?? '']),
          ),
        });
        if (!options.keep) {
          await sqs().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
          continue;
        }
      }
      await giveBack(queueUrl, message.ReceiptHandle!);
    }
    if (found.size === fareIds.length || Date.now() > deadline) break;
    if (Messages.length === 0) await new Promise((resolve) => setTimeout(resolve, aws ? 0 : 20));
  }
  return found;
}

/** Makes a received message visible again at once; one that is no longer in flight is already back (or gone). */
async function giveBack(queueUrl: string, receiptHandle: string): Promise<void> {
  try {
    await sqs().send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: 0 }));
  } catch (error) {
    if (!(error instanceof MessageNotInflight)) throw error;
  }
}

/** Card data of a fare found anywhere in `value` (an item, a message): the names of what leaked. */
export function cardDataIn(value: unknown, fare: Fare): string[] {
  const text = JSON.stringify(value ?? {});
  const leaks: string[] = [];
  if (text.includes(fare.cc) || text.includes(fare.cc.replace(/\s/g, ''))) leaks.push('the card number');
  if (/"(cc|cvv|expiryDate)"/.test(text)) leaks.push(`a field named ${/"(cc|cvv|expiryDate)"/.exec(text)![1]}`);
  if (text.includes(`"${fare.cvv}"`)) leaks.push('the CVV');
  if (text.includes(`"${fare.expiryDate}"`)) leaks.push('the expiry date');
  return [...new Set(leaks)];
}
