/**
 * AWS prices for US East (N. Virginia), on-demand, first pricing tier, without the free tier
 * (most of these services have a monthly free tier that would make a workshop's activity free).
 * Checked on the date below; prices change, so the page shows the date and the source of each.
 */
export const PRICES_CHECKED = '2026-11-30';
export const PRICE_REGION = 'US East (N. Virginia), us-east-1';

export interface Price {
  /** USD per `per` units. */
  usd: number;
  per: number;
  unit: string;
  source: string;
  /**
   * `aws`: read on AWS's own pricing page or documentation; `secondary`: read in a publication
   * quoting it; `unconfirmed`: the long-standing price, not found in either here. Confirm the last
   * two on `source`; the page says which is which.
   */
  checkedOn: 'aws' | 'secondary' | 'unconfirmed';
}

export const PRICES = {
  apiGatewayRestRequest: {
    usd: 3.5,
    per: 1_000_000,
    unit: 'REST API requests',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    checkedOn: 'aws',
  },
  lambdaRequest: { usd: 0.2, per: 1_000_000, unit: 'Lambda requests', source: 'https://aws.amazon.com/lambda/pricing/', checkedOn: 'aws' },
  lambdaGbSecond: {
    usd: 0.0000166667,
    per: 1,
    unit: 'GB-second (x86)',
    source: 'https://aws.amazon.com/lambda/pricing/',
    checkedOn: 'aws',
  },
  snsPublish: {
    usd: 0.5,
    per: 1_000_000,
    unit: 'SNS publishes (standard topic, per 64 KB)',
    source: 'https://aws.amazon.com/sns/pricing/',
    checkedOn: 'secondary',
  },
  snsHttpDelivery: {
    usd: 0.6,
    per: 1_000_000,
    unit: 'SNS deliveries to HTTP/S',
    source: 'https://aws.amazon.com/sns/pricing/',
    checkedOn: 'secondary',
  },
  snsQueueOrFunctionDelivery: {
    usd: 0,
    per: 1_000_000,
    unit: 'SNS deliveries to SQS and Lambda',
    source: 'https://aws.amazon.com/sns/pricing/',
    checkedOn: 'secondary',
  },
  sqsRequest: {
    usd: 0.4,
    per: 1_000_000,
    unit: 'SQS requests (standard queue, per 64 KB)',
    source: 'https://aws.amazon.com/sqs/pricing/',
    checkedOn: 'secondary',
  },
  sqsFifoRequest: {
    usd: 0.5,
    per: 1_000_000,
    unit: 'SQS requests (FIFO queue, per 64 KB)',
    source: 'https://aws.amazon.com/sqs/pricing/',
    checkedOn: 'secondary',
  },
  eventBridgeCustomEvent: {
    usd: 1.0,
    per: 1_000_000,
    unit: 'EventBridge custom events (per 64 KB)',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    checkedOn: 'secondary',
  },
  stepFunctionsTransition: {
    usd: 0.025,
    per: 1_000,
    unit: 'Step Functions state transitions (Standard)',
    source: 'https://aws.amazon.com/step-functions/pricing/',
    checkedOn: 'aws',
  },
  kinesisShardHour: {
    usd: 0.015,
    per: 1,
    unit: 'Kinesis shard-hours (provisioned)',
    source: 'https://aws.amazon.com/kinesis/data-streams/pricing/',
    checkedOn: 'unconfirmed',
  },
} as const satisfies Record<string, Price>;

export type PriceKey = keyof typeof PRICES;
