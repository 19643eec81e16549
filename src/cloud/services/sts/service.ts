import { randomBytes } from 'node:crypto';
import type { ActionTable } from '../../aws/context.ts';

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
      Expiration: new Date(Date.now() + (input.DurationSeconds ?? 3600) * 1000),
    },
    AssumedRoleUser: {
      AssumedRoleId: `AROALOCAL:${input.RoleSessionName}`,
      Arn: `arn:aws:sts::${context.accountId}:assumed-role/${String(input.RoleArn).split('/').pop()}/${input.RoleSessionName}`,
    },
  }),
};
