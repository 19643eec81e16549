import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { log, type ProviderAnswer, type QuoteRequest, type SnsEvent } from './events.ts';
import { decide, parseSimulation } from './simulation.ts';

const sqs = new SQSClient({});

/**
 * A unicorn provider (UnicornManagementResource1..10, one function each, this same code): it
 * hears every request for quotes on the topic and answers on the response queue with a quote, or
 * declines explicitly. How long it takes is simulated with the answer's message delay
 * (`DelaySeconds`): the function itself returns at once and bills milliseconds, never a sleep.
 */
export const handler = async (event: SnsEvent): Promise<void> => {
  const provider = process.env.PROVIDER_NAME!;
  const queueUrl = process.env.RESPONSE_QUEUE_URL;
  const timing = {
    maxDelaySeconds: Number(process.env.MAX_DELAY_SECONDS ?? 0),
    slowDelaySeconds: Number(process.env.SLOW_DELAY_SECONDS ?? 0),
  };
  for (const record of event.Records) {
    const request = JSON.parse(record.Sns.Message) as QuoteRequest;
    const rfqId = request['rfq-id'];
    const mode = parseSimulation(record.Sns.MessageAttributes?.simulation?.Value)[provider] ?? 'normal';
    const decision = decide(rfqId, provider, mode, timing, request.from);
    if (decision.kind === 'silent') {
      log({ service: provider, action: 'stayed-silent', rfqId, mode });
      continue;
    }
    if (!queueUrl) {
      log({ service: provider, action: 'cannot-answer', rfqId, note: 'RESPONSE_QUEUE_URL is not set: there is nowhere to answer yet' });
      continue;
    }
    const answer: ProviderAnswer =
      decision.kind === 'quote'
        ? { responder: provider, 'rfq-id': rfqId, quote: decision.quote }
        : { responder: provider, 'rfq-id': rfqId, declined: true, reason: decision.reason };
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(answer), DelaySeconds: decision.delaySeconds }),
    );
    log({
      service: provider,
      action: decision.kind === 'quote' ? 'quoted' : 'declined',
      rfqId,
      mode,
      ...(decision.kind === 'quote' ? { quote: decision.quote } : { reason: decision.reason }),
      delaySeconds: decision.delaySeconds,
    });
  }
};
