// The lab API's read-only views of a lab's state machines, against a real local cloud: the
// definition of what the lab's stack deployed, its executions, and an execution's history; and
// nothing of any other state machine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { clientConfig } from '../../labs/kit/clients.ts';
import { defineLab } from '../../labs/kit/lab.ts';
import { stackNameFor } from '../../labs/kit/target.ts';
import { waitForStack } from '../cloud/testing/stacks.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../cloud/testing/test-cloud.ts';
import { LabEngine } from '../engine/engine.ts';
import { EngineError } from '../engine/events.ts';
import { createLabApi } from './app.ts';
import { accessPolicy } from './security.ts';

const lab = defineLab({ id: 'lab-7', slug: 'lab-7-test', title: 'A lab with a state machine', steps: [], snippets: [], checkpoints: [] });
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const DEFINITION = JSON.stringify({ StartAt: 'Hello', States: { Hello: { Type: 'Pass', Next: 'World' }, World: { Type: 'Succeed' } } });

let cloud: TestCloud;
let api: ReturnType<typeof createLabApi>;
let sfn: SFNClient;

const get = async (path: string) => {
  const response = await api.fetch(new Request(`http://localhost:3000${path}`, { headers: { host: 'localhost:3000' } }));
  return { status: response.status, body: await response.json() };
};

before(async () => {
  cloud = await startTestCloud();
  const engine = new LabEngine(cloud.target, {
    load: async (id) => {
      if (id !== 'lab-7') throw new EngineError('UnknownLab', `There is no lab "${id}".`);
      return lab;
    },
    all: async () => [lab],
  });
  api = createLabApi({ engine, access: accessPolicy(3000, 3001) });
  sfn = new SFNClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

describe('the lab API: state machines, executions and their history', () => {
  test('before a deploy, the lab has no state machine', async () => {
    assert.deepEqual(await get('/api/labs/lab-7/state-machines'), { status: 200, body: { stateMachines: [] } });
  });

  test("the lab stack's machine with its definition; its executions, newest first; one execution's whole history", async () => {
    const cfn = new CloudFormationClient(clientConfig(cloud.target));
    const StackName = stackNameFor(cloud.target, 'lab-7');
    const template = {
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: JSON.parse(TRUST) } },
        Machine: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: {
            StateMachineName: `${cloud.target.prefix}-Hello`,
            DefinitionString: DEFINITION,
            RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
          },
        },
      },
    };
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: JSON.stringify(template), Capabilities: ['CAPABILITY_IAM'] }));
    assert.equal((await waitForStack(cfn, StackName)).StackStatus, 'CREATE_COMPLETE');

    const { body } = await get('/api/labs/lab-7/state-machines');
    assert.equal(body.stateMachines.length, 1);
    const [machine] = body.stateMachines;
    assert.deepEqual(
      { ...machine, arn: undefined },
      { arn: undefined, name: `${cloud.target.prefix}-Hello`, type: 'STANDARD', definition: DEFINITION },
    );

    const arns: string[] = [];
    for (const name of ['first', 'second']) {
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name }));
      arns.push(executionArn!);
      while ((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'RUNNING')
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const { body: listed } = await get('/api/labs/lab-7/executions?max=5');
    assert.deepEqual(
      listed.executions.map((e: { name: string; status: string }) => [e.name, e.status]),
      [
        ['second', 'SUCCEEDED'],
        ['first', 'SUCCEEDED'],
      ],
    );

    const { status, body: history } = await get(`/api/labs/lab-7/executions/${encodeURIComponent(arns[0])}/history`);
    assert.equal(status, 200);
    assert.equal(history.execution.status, 'SUCCEEDED');
    assert.equal(history.execution.stateMachineArn, machine.arn);
    assert.deepEqual(
      history.events.map((e: { type: string }) => e.type),
      ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'],
    );
    assert.ok(!Number.isNaN(Date.parse(history.events[0].timestamp)), 'timestamps are ISO text');
  });

  test("another state machine's executions are not the lab's to show", async () => {
    const iam = new IAMClient(clientConfig(cloud.target));
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: uniqueName('role'), AssumeRolePolicyDocument: TRUST }));
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: uniqueName('foreign'), definition: DEFINITION, roleArn: Role!.Arn }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    const history = await get(`/api/labs/lab-7/executions/${encodeURIComponent(executionArn!)}/history`);
    assert.equal(history.status, 404);
    assert.match(history.body.error.message, /is not an execution of a state machine of/);
    const listed = await get(`/api/labs/lab-7/executions?stateMachineArn=${encodeURIComponent(stateMachineArn!)}`);
    assert.equal(listed.status, 404);
    assert.equal((await get('/api/labs/lab-7/executions/not-an-arn/history')).status, 404);
    assert.equal((await get('/api/labs/lab-99/state-machines')).status, 404);
  });
});
