import { ListMessageMoveTasksCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { labContext, print, sleep, sqs } from '../../kit/index.ts';
import { deadLetterQueueOf, depthOf, findQueue, SERVICES } from '../services.ts';

/**
 * The DLQ runbook, steps 4 and 5: moves the messages of every non-empty dead-letter queue back
 * to the queue they came from (StartMessageMoveTask with no destination), and watches the
 * dead-letter queues empty and the services take the rides again.
 */
export default async function redriveDeadLetters() {
  const pause = labContext().target.kind === 'local' ? 100 : 3_000;
  const moves: { name: string; arn: string; url: string }[] = [];
  for (const service of SERVICES) {
    const queue = await findQueue(service.queue);
    const dlq = queue && (await deadLetterQueueOf(queue));
    if (!dlq) continue;
    const { visible } = await depthOf(dlq.url);
    if (visible === 0) continue;
    const { TaskHandle } = await sqs().send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    print(`Moving ${visible} message(s) from ${dlq.arn.split(':').pop()} back to ${service.queue} (task ${TaskHandle?.slice(0, 8)})`);
    moves.push({ name: dlq.arn.split(':').pop()!, arn: dlq.arn, url: dlq.url });
  }
  if (moves.length === 0) {
    print('Every dead-letter queue is empty: nothing to redrive.');
    return;
  }
  for (const move of moves) {
    for (const deadline = Date.now() + 300_000; Date.now() < deadline; await sleep(pause)) {
      const [task] = (await sqs().send(new ListMessageMoveTasksCommand({ SourceArn: move.arn, MaxResults: 1 }))).Results ?? [];
      if (task?.Status === 'RUNNING') continue;
      print(
        `${move.name}: ${task?.Status ?? 'no task'}, ${task?.ApproximateNumberOfMessagesMoved ?? 0} moved${task?.FailureReason ? ` (${task.FailureReason})` : ''}; ${(await depthOf(move.url)).visible} left`,
      );
      break;
    }
  }
  print('Messages that fail again come back to the dead-letter queues after 5 more receives: run inspect-dead-letters to check.');
}
