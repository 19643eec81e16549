/** Who is calling and where: what every action receives beside its input. */
export interface RequestContext {
  region: string;
  accountId: string;
  requestId: string;
}

/** The account id every resource of the local cloud lives in (the same as other AWS emulators use). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** An action: a typed input in, a typed output out; throws AwsError on failure. */
export type Action<I = any, O = any> = (input: I, context: RequestContext) => O | Promise<O>;

/** The actions of one service, by their AWS names. */
export type ActionTable = Record<string, Action>;

/** Builds an ARN. */
export function arn(service: string, context: Pick<RequestContext, 'region' | 'accountId'>, resource: string, global = false): string {
  return `arn:aws:${service}:${global ? '' : context.region}:${context.accountId}:${resource}`;
}

/** Splits an ARN into its parts; undefined when it is not one. */
export function parseArn(value: string): { service: string; region: string; accountId: string; resource: string } | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { service: parts[2], region: parts[3], accountId: parts[4], resource: parts.slice(5).join(':') };
}
