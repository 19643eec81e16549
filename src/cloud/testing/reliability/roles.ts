import { CreateRoleCommand, type IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';

/** A role Step Functions may assume, allowed `actions` on every resource (as a lab's stack makes one). */
export async function stepFunctionsRole(iam: IAMClient, RoleName: string, actions: string[]): Promise<string> {
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  if (actions.length > 0)
    await iam.send(
      new PutRolePolicyCommand({
        RoleName,
        PolicyName: 'allow',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }),
      }),
    );
  return Role!.Arn!;
}
