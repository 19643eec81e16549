import { callApi, fail, labContext, output, stackParameter } from '../kit/index.ts';

/** The request of the lab's examples: a short hop from Berlin to Potsdam. */
export const SAMPLE_REQUEST = { from: 'Berlin', to: 'Potsdam', customer: 'cmr' };

/** A request for quotes as GET /query-instant-ride-rfq/{id} returns it. */
export interface RfqView {
  'rfq-id': string;
  from: string;
  to: string;
  customer: string;
  requestedAt: string;
  status: 'open' | 'closed';
  deadlineAt?: string;
  quotes: { responder: string; quote: number; late?: true }[];
  declined: { responder: string; reason: string; late?: true }[];
  waitingFor: string[];
  closedAt?: string;
  closedBy?: 'all-answered' | 'deadline';
  best?: { responder: string; quote: number } | null;
}

/** Sends a request for quotes through the API, as the Wild Rydes app does, and returns its id. */
export async function submitRfq(request: { from: string; to: string; customer: string } = SAMPLE_REQUEST): Promise<string> {
  const response = await callApi(await output('SubmitRfqUrl'), { body: request });
  if (response.status !== 201) fail(`POST /submit-instant-ride-rfq answered ${response.status}: ${response.text}`);
  return (response.body as { 'rfq-id': string })['rfq-id'];
}

/** The request as the query endpoint shows it now. */
export async function queryRfq(rfqId: string): Promise<RfqView> {
  const response = await callApi(`${await output('QueryRfqUrl')}/${encodeURIComponent(rfqId)}`);
  if (response.status !== 200) fail(`GET /query-instant-ride-rfq/${rfqId} answered ${response.status}: ${response.text}`);
  return response.body as RfqView;
}

/** How the deployed stack times things, in seconds (its parameters); the deadline once step 5 added it. */
export async function timing(): Promise<{ maxDelaySeconds: number; slowDelaySeconds: number; deadlineSeconds?: number }> {
  const deadline = await stackParameter('DeadlineSeconds').catch(() => undefined);
  return {
    maxDelaySeconds: Number(await stackParameter('ProviderMaxDelaySeconds')),
    slowDelaySeconds: Number(await stackParameter('SlowProviderDelaySeconds')),
    deadlineSeconds: deadline === undefined ? undefined : Number(deadline),
  };
}

/** How often to look at a request: a local cloud answers in milliseconds, AWS in tens of them. */
export function pollIntervalMs(): number {
  return labContext().target.kind === 'aws' ? 1_000 : 200;
}
