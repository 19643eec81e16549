import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { callApi, dynamodb, output, print, sleep, stackParameter } from '../../kit/index.ts';
import { SAMPLE_REQUEST } from '../rfq-client.ts';

/**
 * Asks for quotes through the API, as the Wild Rydes app does, then shows the rows of RidesBooking
 * for the request as they land: the request itself (responder "-"), then one row per answer.
 */
export default async function requestQuote() {
  const url = await output('SubmitRfqUrl');
  print(`POST ${url}`);
  print(JSON.stringify(SAMPLE_REQUEST));
  const response = await callApi(url, { body: SAMPLE_REQUEST });
  print(`→ ${response.status} ${response.text}`);
  if (response.status !== 201) return;
  const rfqId = (response.body as { 'rfq-id': string })['rfq-id'];

  // Providers answer within ProviderMaxDelaySeconds: watch the table that long, and a second more.
  const watchMs = (Number(await stackParameter('ProviderMaxDelaySeconds')) + 1) * 1000;
  const started = Date.now();
  const seen = new Set<string>();
  print('');
  print(`RidesBooking rows of ${rfqId}, as they land:`);
  while (Date.now() - started < watchMs) {
    const { Items = [] } = await dynamodb().send(
      new QueryCommand({
        TableName: await output('RidesBookingTableName'),
        KeyConditionExpression: 'id = :id',
        ExpressionAttributeValues: { ':id': { S: rfqId } },
      }),
    );
    for (const item of Items) {
      const responder = item.responder.S!;
      if (seen.has(responder)) continue;
      seen.add(responder);
      const what =
        responder === '-'
          ? `the request: ${item.from?.S} → ${item.to?.S} for ${item.customer?.S}`
          : item.quote
            ? `quote ${Number(item.quote.N).toFixed(2)}`
            : `declined: ${item.declined?.S}`;
      print(`  +${((Date.now() - started) / 1000).toFixed(1)} s  ${responder.padEnd(28)} ${what}`);
    }
    await sleep(250);
  }
  print(seen.size <= 1 ? 'No answer yet: nobody was asked, or nobody can answer (steps 1 and 2).' : `${seen.size - 1} answer(s) stored.`);
}
