// The live diagram's graph, read from stacks deployed on a real local cloud: Lab 1 through the
// engine, and the constructs Labs 2-5 use (src/cloud/services/cloudformation/lab-constructs.stacks.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { clientConfig } from '../../labs/kit/clients.ts';
import {
  type LabStackProps,
  lab2Stack,
  lab3Stack,
  lab4Stack,
  lab5Stack,
  synthesizeTemplate,
} from '../../src/cloud/services/cloudformation/lab-constructs.stacks.ts';
import { bootstrapTarget, waitForStack } from '../../src/cloud/testing/stacks.ts';
import { startTestCloud, type TestCloud } from '../../src/cloud/testing/test-cloud.ts';
import { type Architecture, describeArchitecture } from '../../src/engine/architecture/index.ts';
import { LabEngine } from '../../src/engine/engine.ts';

let cloud: TestCloud;

before(async () => {
  cloud = await startTestCloud();
  await bootstrapTarget(cloud.target);
});
after(() => cloud.stop());

/** `source -> target (kind)` for every edge, by the nodes' labels. */
function links(architecture: Architecture): string[] {
  const label = (id: string) => architecture.nodes.find((n) => n.id === id)!.label;
  return architecture.edges.map((e) => `${label(e.source)} -> ${label(e.target)} (${e.kind})`).sort();
}

async function deployConstructs(factory: (app: any, props: LabStackProps) => any, lab: string): Promise<Architecture> {
  const prefix = cloud.target.prefix;
  const stackName = `${prefix}-${lab}`;
  const cfn = new CloudFormationClient(clientConfig(cloud.target));
  await cfn.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: synthesizeTemplate(factory, { stackName, prefix, variant: 0 }),
      Capabilities: ['CAPABILITY_IAM'],
    }),
  );
  const stack = await waitForStack(cfn, stackName);
  assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
  return describeArchitecture(cloud.target, lab, stackName);
}

describe('the architecture of a deployed lab', { timeout: 180_000 }, () => {
  test('says nothing is deployed when the stack does not exist', async () => {
    const architecture = await new LabEngine(cloud.target).architecture('lab-1');
    assert.equal(architecture.deployed, false);
    assert.deepEqual(architecture.nodes, []);
  });

  test('Lab 1: the API, the publisher, the topic and its three subscriptions (one filtered), the rule and its queue', async () => {
    const engine = new LabEngine(cloud.target);
    assert.ok(await engine.deploy('lab-1', { solution: true, step: Number.POSITIVE_INFINITY }, () => undefined));
    const architecture = await engine.architecture('lab-1');
    assert.equal(architecture.deployed, true);
    const all = links(architecture);
    for (const expected of [
      'wild-rydes -> UnicornManagementService (integration)',
      'UnicornManagementService -> RideCompletionTopic (sends)',
      'UnicornManagementService -> default event bus (sends)',
      'RideCompletionTopic -> CustomerNotificationService (subscription)',
      'RideCompletionTopic -> CustomerAccountingService (subscription)',
      'RideCompletionTopic -> ExtraordinaryRidesService (subscription)',
      'default event bus -> ExtraordinaryRides (target)',
      'ExtraordinaryRides -> ExtraordinaryRideEvents (target)',
    ]) {
      assert.ok(all.includes(expected), `missing ${expected} in:\n${all.join('\n')}`);
    }
    const filtered = architecture.edges.find((e) => e.kind === 'subscription' && e.facts.filterPolicy);
    assert.deepEqual(JSON.parse(filtered!.facts.filterPolicy!), { fare: [{ numeric: ['>=', 50] }], distance: [{ numeric: ['>=', 20] }] });
    assert.equal(architecture.edges.find((e) => e.kind === 'integration')!.label, 'POST /submit-ride-completion');
    assert.deepEqual(architecture.notes, []);
    await engine.destroy('lab-1', () => undefined);
  });

  test('Lab 2: SQS subscriptions, event source mappings and dead-letter queues', async () => {
    const architecture = await deployConstructs(lab2Stack, 'lab-2');
    const all = links(architecture);
    const mappings = architecture.edges.filter((e) => e.kind === 'mapping');
    assert.ok(mappings.length >= 1 && mappings.every((m) => m.facts.batchSize === 5), all.join('\n'));
    const deadLetters = architecture.edges.filter((e) => e.kind === 'dead-letter');
    assert.ok(deadLetters.length >= 1, all.join('\n'));
    for (const dl of deadLetters) assert.equal(architecture.nodes.find((n) => n.id === dl.target)!.facts.deadLetter, true);
    assert.ok(
      architecture.edges.some((e) => e.kind === 'subscription' && e.facts.protocol === 'sqs' && e.facts.rawDelivery),
      all.join('\n'),
    );
  });

  test('Lab 3: ten providers subscribed, a queue mapped to the quotes function, two API routes', async () => {
    const architecture = await deployConstructs(lab3Stack, 'lab-3');
    const routes = architecture.edges
      .filter((e) => e.kind === 'integration')
      .map((e) => e.label)
      .sort();
    assert.deepEqual(routes, ['GET /query-instant-ride-rfq/{id}', 'POST /submit-instant-ride-rfq']);
    assert.ok(architecture.edges.filter((e) => e.kind === 'subscription').length >= 10);
    assert.ok(architecture.edges.some((e) => e.kind === 'mapping'));
  });

  test('Lab 4: the state machine linked to what its Task states call, by state name', async () => {
    const architecture = await deployConstructs(lab4Stack, 'lab-4');
    const machine = architecture.nodes.find((n) => n.kind === 'state-machine')!;
    assert.ok(machine.facts.states!.includes('RegisterFare'));
    const tasks = architecture.edges.filter((e) => e.kind === 'task' && e.source === machine.id);
    const stateNames = tasks.flatMap((t) => t.facts.states ?? []);
    for (const state of [
      'RegisterFare',
      'ChargeFare',
      'CreditCustomerAccount',
      'RefundFare',
      'NotifySuccess',
      'NotifyFailure',
      'ParkFailedRefund',
    ])
      assert.ok(stateNames.includes(state), `no task edge for ${state}: ${stateNames}`);
    const kinds = new Set(tasks.map((t) => architecture.nodes.find((n) => n.id === t.target)!.kind));
    assert.deepEqual([...kinds].sort(), ['function', 'queue', 'table', 'topic']);
  });

  test('Lab 5: a FIFO topic, a provisioned stream read by two functions, failed batches to a queue', async () => {
    const architecture = await deployConstructs(lab5Stack, 'lab-5');
    const stream = architecture.nodes.find((n) => n.kind === 'stream')!;
    assert.equal(stream.facts.shards, 2);
    assert.equal(stream.facts.streamMode, 'PROVISIONED');
    assert.equal(architecture.edges.filter((e) => e.kind === 'mapping' && e.source === stream.id).length, 2);
    const destination = architecture.edges.find((e) => e.kind === 'destination' && e.facts.condition === 'on-failure');
    assert.ok(destination, links(architecture).join('\n'));
    assert.equal(architecture.nodes.find((n) => n.id === destination.target)!.facts.deadLetter, true);
    assert.ok(architecture.nodes.some((n) => n.kind === 'topic' && n.facts.fifo));
  });
});
