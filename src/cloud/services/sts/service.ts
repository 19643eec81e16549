import { randomBytes } from 'node:crypto';
import type { ActionTable } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';

/**
 * A role session lasts 900 to 43,200 seconds (DurationSeconds), an hour by default.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
function durationOf(value: unknown): number {
  const seconds = value === undefined ? 3_600 : Number(value);
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43_200)
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${String(value).slice(0, 40)}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
    );
  return seconds;
}

/** AWS STS: who am I, and temporary credentials for a role (the local cloud checks no secret). */
export const stsActions: ActionTable = {
  GetCallerIdentity: (_input, context) => ({
    UserId: 'AIDALOCALWORKSHOPUSER',
    Account: context.accountId,
    Arn: `arn:aws:iam::${context.accountId}:root`,
  }),
  AssumeRole: (input, context) => ({
    Credentials: {
      AccessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      SecretAccessKey: randomBytes(20).toString('base64'),
      SessionToken: randomBytes(32).toString('base64'),
      Expiration: new Date(Date.now() + durationOf(input.DurationSeconds) * 1000),
    },
    AssumedRoleUser: {
      AssumedRoleId: `AROALOCAL:${input.RoleSessionName}`,
      Arn: `arn:aws:sts::${context.accountId}:assumed-role/${String(input.RoleArn).split('/').pop()}/${input.RoleSessionName}`,
    },
  }),
};
