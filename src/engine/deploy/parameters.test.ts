import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { clientConfig } from '../../../labs/kit/clients.ts';
import type { LabDefinition } from '../../../labs/kit/lab.ts';
import { startTestCloud, type TestCloud } from '../../cloud/testing/test-cloud.ts';
import { LabEngine } from '../engine.ts';
import type { EngineEvent } from '../events.ts';
import { describeParameterValues, parseParameterOverrides, stackParameterValues } from './parameters.ts';

const lab = {
  id: 'lab-9',
  parameters: {
    DeadlineSeconds: { description: 'deadline', local: 5, aws: 30 },
    DelaySeconds: { description: 'delay', local: 1, aws: 10, endpoint: 2 },
  },
} as unknown as LabDefinition;

describe('stack parameter values', () => {
  test('each declared parameter takes the value for the kind of target; an endpoint falls back to local', () => {
    const declared = ['DeadlineSeconds', 'DelaySeconds', 'BootstrapVersion'];
    assert.deepEqual(
      stackParameterValues(lab, 'local', declared).values,
      { DeadlineSeconds: '5', DelaySeconds: '1' },
      'BootstrapVersion keeps its template default',
    );
    assert.deepEqual(stackParameterValues(lab, 'aws', declared).values, { DeadlineSeconds: '30', DelaySeconds: '10' });
    assert.deepEqual(stackParameterValues(lab, 'endpoint', declared).values, { DeadlineSeconds: '5', DelaySeconds: '2' });
  });

  test('a parameter the template does not declare yet is not passed; an override of it is reported as unused', () => {
    const result = stackParameterValues(lab, 'local', ['DelaySeconds'], { DeadlineSeconds: '1' });
    assert.deepEqual(result, { values: { DelaySeconds: '1' }, unused: ['DeadlineSeconds'] });
    assert.equal(
      describeParameterValues(result, 'local', { DeadlineSeconds: '1' }),
      'Stack parameters (local values unless given): DelaySeconds=1. DeadlineSeconds is not in this stack yet: ignored.',
    );
  });

  test('an override wins, and an unknown name is refused with the names there are', () => {
    assert.deepEqual(stackParameterValues(lab, 'local', ['DeadlineSeconds'], { DeadlineSeconds: '2' }).values, { DeadlineSeconds: '2' });
    assert.throws(
      () => stackParameterValues(lab, 'local', ['DeadlineSeconds', 'BootstrapVersion'], { Deadline: '2' }),
      /lab-9 has no stack parameter "Deadline". Its parameters: DeadlineSeconds, DelaySeconds\./,
    );
  });

  test('--parameter Name=value pairs, and what is not one', () => {
    assert.deepEqual(parseParameterOverrides(['DeadlineSeconds=10', 'Note=a=b']), { DeadlineSeconds: '10', Note: 'a=b' });
    assert.throws(() => parseParameterOverrides(['DeadlineSeconds']), /--parameter takes Name=value/);
  });
});

describe('deploying with stack parameters (the local cloud)', () => {
  let cloud: TestCloud;
  let engine: LabEngine;
  before(async () => {
    cloud = await startTestCloud();
    engine = new LabEngine(cloud.target);
  });
  after(() => cloud.stop());

  const deployed = async () => {
    const { Stacks } = await new CloudFormationClient(clientConfig(cloud.target)).send(
      new DescribeStacksCommand({ StackName: `${cloud.target.prefix}-lab-3` }),
    );
    return Object.fromEntries(
      (Stacks![0].Parameters ?? []).filter((p) => p.ParameterKey !== 'BootstrapVersion').map((p) => [p.ParameterKey, p.ParameterValue]),
    );
  };
  const deploy = async (parameters?: Record<string, string>) => {
    const events: EngineEvent[] = [];
    const ok = await engine.deploy('lab-3', { solution: true, step: 0 }, (e) => events.push(e), { parameters });
    return { ok, events, done: events.at(-1) as Extract<EngineEvent, { type: 'done' }> };
  };

  test("the lab's local values, an override for one deploy, and back to the lab's values on the next", async () => {
    const first = await deploy();
    assert.ok(first.ok, JSON.stringify(first.done.error));
    assert.deepEqual(await deployed(), { ProviderMaxDelaySeconds: '2', SlowProviderDelaySeconds: '7' });
    assert.ok(
      first.events.some(
        (e) =>
          e.type === 'progress' &&
          e.message === 'Stack parameters (local values unless given): ProviderMaxDelaySeconds=2, SlowProviderDelaySeconds=7.',
      ),
    );

    const overridden = await deploy({ ProviderMaxDelaySeconds: '0', DeadlineSeconds: '1' });
    assert.ok(overridden.ok, JSON.stringify(overridden.done.error));
    assert.deepEqual(await deployed(), { ProviderMaxDelaySeconds: '0', SlowProviderDelaySeconds: '7' });
    assert.ok(overridden.events.some((e) => e.type === 'progress' && /DeadlineSeconds is not in this stack yet/.test(e.message)));

    assert.ok((await deploy()).ok);
    assert.deepEqual(await deployed(), { ProviderMaxDelaySeconds: '2', SlowProviderDelaySeconds: '7' });
  });

  test('a value CloudFormation refuses fails the deploy with its reason; an unknown name deploys nothing', async () => {
    const tooLong = await deploy({ ProviderMaxDelaySeconds: '901' });
    assert.equal(tooLong.ok, false);
    assert.match(tooLong.done.error!.message, /ProviderMaxDelaySeconds' must be a number not greater than 900/);
    const unknown = await deploy({ Deadline: '1' });
    assert.equal(unknown.done.error?.code, 'UnknownParameter');
    assert.match(unknown.done.error!.message, /Its parameters: ProviderMaxDelaySeconds, SlowProviderDelaySeconds, DeadlineSeconds\./);
    assert.deepEqual(await deployed(), { ProviderMaxDelaySeconds: '2', SlowProviderDelaySeconds: '7' });
  });
});
