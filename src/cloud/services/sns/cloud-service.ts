import { queryEndpoint } from '../../aws/http.ts';
import { send } from '../../gateway/respond.ts';
import { MiB, type ServiceDefinition } from '../../service.ts';
import { SnsService } from './service.ts';

declare module '../../services.ts' {
  interface CloudServices {
    sns: SnsService;
  }
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
// The actions whose links SNS puts in the messages it sends (SubscribeURL, UnsubscribeURL): AWS answers them unsigned.
const LINK_ACTIONS = new Set(['ConfirmSubscription', 'Unsubscribe']);

/** Amazon SNS: topics, subscriptions, fan-out to SQS, Lambda and HTTP/S. */
export const sns: ServiceDefinition = {
  build: ({ settings, activity, delivery, endpoint, ledger }) => {
    const sns = new SnsService(activity, delivery, endpoint, settings.snsHttp, ledger('sns.owed-deliveries'));
    const links = queryEndpoint('SNS', XMLNS, sns.linkActions);
    return {
      service: {
        name: 'sns',
        // A message is at most 256 KiB, or 1 MiB with a topic's MaximumMessageSize; PublishBatch's total the
        // same; form-encoding can triple it. https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html
        maxBodyBytes: 4 * MiB,
        protocol: { kind: 'query', title: 'SNS', xmlns: XMLNS, actions: sns.actions },
        unsigned: {
          matches: (url, headers) =>
            !headers.authorization &&
            url.includes('?') &&
            !url.includes('X-Amz-Credential=') &&
            LINK_ACTIONS.has(new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('Action') ?? ''),
          handle: async ({ req, res, region }) =>
            send(
              res,
              await links({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.alloc(0), region }),
            ),
        },
        snapshot: () => sns.snapshot(),
        restore: (saved) => sns.restore(saved),
        resume: () => sns.resume(),
        reset: () => sns.reset(),
        shutdown: () => sns.shutdown(),
      },
      provides: { sns },
    };
  },
};
