import { randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { ActivityStream } from '../../activity/stream.ts';
import { type ActionTable, parseArn } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';

interface MoveTask {
  handle: string;
  sourceArn: string;
  destinationArn?: string;
  status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  started: number;
  moved: number;
  toMove: number;
  maxPerSecond?: number;
  failureReason?: string;
}

const invalid = (message: string) => new AwsError('InvalidParameterValue', message);

/**
 * SQS dead-letter queue redrive (StartMessageMoveTask and friends), which fauxqs does not
 * implement: moves the messages of a DLQ back to their source queue, or to a destination.
 */
export class MessageMoveTasks {
  private readonly tasks = new Map<string, MoveTask>();

  constructor(
    private readonly sqs: (region: string) => SQSClient,
    private readonly activity: ActivityStream,
  ) {}

  readonly actions: ActionTable = {
    StartMessageMoveTask: (input) => this.start(input),
    ListMessageMoveTasks: (input) => ({
      Results: [...this.tasks.values()]
        .filter((t) => t.sourceArn === input.SourceArn)
        .sort((a, b) => b.started - a.started)
        .slice(0, input.MaxResults ?? 1)
        .map((t) => ({
          TaskHandle: t.status === 'RUNNING' ? t.handle : undefined,
          Status: t.status,
          SourceArn: t.sourceArn,
          DestinationArn: t.destinationArn,
          MaxNumberOfMessagesPerSecond: t.maxPerSecond,
          ApproximateNumberOfMessagesMoved: t.moved,
          ApproximateNumberOfMessagesToMove: t.toMove,
          FailureReason: t.failureReason,
          StartedTimestamp: t.started,
        })),
    }),
    CancelMessageMoveTask: (input) => {
      const task = this.tasks.get(input.TaskHandle);
      if (task?.status !== 'RUNNING') throw new AwsError('ResourceNotFoundException', 'The task does not exist or is not running.');
      task.status = 'CANCELLING';
      return { ApproximateNumberOfMessagesMoved: task.moved };
    },
  };

  private async queueUrl(arn: string): Promise<string> {
    const parsed = parseArn(arn);
    if (parsed?.service !== 'sqs') throw invalid(`${arn} is not an SQS queue ARN.`);
    try {
      return (await this.sqs(parsed.region).send(new GetQueueUrlCommand({ QueueName: parsed.resource }))).QueueUrl!;
    } catch {
      throw new AwsError('ResourceNotFoundException', `The queue ${arn} does not exist.`);
    }
  }

  /** The queues that use `dlqArn` as their dead-letter queue. */
  private async sourcesOf(dlqArn: string): Promise<string[]> {
    const region = parseArn(dlqArn)!.region;
    const client = this.sqs(region);
    const { QueueUrls = [] } = await client.send(new ListQueuesCommand({}));
    const sources: string[] = [];
    for (const QueueUrl of QueueUrls) {
      const { Attributes = {} } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy', 'QueueArn'] }),
      );
      if (Attributes.RedrivePolicy && JSON.parse(Attributes.RedrivePolicy).deadLetterTargetArn === dlqArn)
        sources.push(Attributes.QueueArn!);
    }
    return sources;
  }

  private async start(input: any) {
    const sourceArn = String(input.SourceArn ?? '');
    const sourceUrl = await this.queueUrl(sourceArn);
    const sources = await this.sourcesOf(sourceArn);
    // AWS: the source of a move task must be a dead-letter queue of some queue.
    if (sources.length === 0) throw invalid(`Source queue ${sourceArn} is not a dead-letter queue of any queue.`);
    let destinationArn: string | undefined = input.DestinationArn;
    if (!destinationArn) {
      if (sources.length > 1) {
        throw invalid(
          `${sourceArn} is the dead-letter queue of ${sources.length} queues; the local cloud does not track each message's original queue, so give a DestinationArn.`,
        );
      }
      destinationArn = sources[0];
    }
    const destinationUrl = await this.queueUrl(destinationArn);
    if ([...this.tasks.values()].some((t) => t.sourceArn === sourceArn && t.status === 'RUNNING')) {
      throw invalid('There is already a running message move task for this source queue.');
    }
    const max = input.MaxNumberOfMessagesPerSecond;
    if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 500))
      throw invalid('MaxNumberOfMessagesPerSecond must be between 1 and 500.');
    const client = this.sqs(parseArn(sourceArn)!.region);
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: sourceUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    const task: MoveTask = {
      handle: randomUUID(),
      sourceArn,
      destinationArn: input.DestinationArn,
      status: 'RUNNING',
      started: Date.now(),
      moved: 0,
      toMove: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      maxPerSecond: max,
    };
    this.tasks.set(task.handle, task);
    this.activity.emit('sqs.redrive-started', sourceArn, { taskHandle: task.handle, destinationArn, toMove: task.toMove });
    void this.run(task, client, sourceUrl, destinationUrl);
    return { TaskHandle: task.handle };
  }

  private async run(task: MoveTask, client: SQSClient, sourceUrl: string, destinationUrl: string): Promise<void> {
    try {
      while (task.status === 'RUNNING' && task.moved < task.toMove) {
        const batch = Math.min(10, task.maxPerSecond ?? 10, task.toMove - task.moved);
        const { Messages = [] } = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: sourceUrl,
            MaxNumberOfMessages: batch,
            MessageAttributeNames: ['All'],
            VisibilityTimeout: 30,
          }),
        );
        if (Messages.length === 0) break;
        await client.send(
          new SendMessageBatchCommand({
            QueueUrl: destinationUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body!, MessageAttributes: m.MessageAttributes })),
          }),
        );
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: sourceUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
        task.moved += Messages.length;
        if (task.maxPerSecond) await new Promise((resolve) => setTimeout(resolve, (1000 * Messages.length) / task.maxPerSecond!));
      }
      task.status = task.status === 'CANCELLING' ? 'CANCELLED' : 'COMPLETED';
    } catch (error) {
      task.status = 'FAILED';
      task.failureReason = (error as Error).message;
    }
    const ended =
      task.status === 'COMPLETED' ? 'sqs.redrive-completed' : task.status === 'CANCELLED' ? 'sqs.redrive-cancelled' : 'sqs.redrive-failed';
    this.activity.emit(ended, task.sourceArn, { taskHandle: task.handle, moved: task.moved });
  }
}
