// Prints the figures the performance budgets of the design are measured with. Figures, not
// asserts: run it on the machine you care about and read them against the budgets.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AddPermissionCommand, CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { clientConfig } from '../labs/kit/clients.ts';
import { DEFAULT_MAX_ENVIRONMENTS, type RunningCloud, startCloud } from '../src/cloud/cloud.ts';
import { handlerZip, TEST_ROLE } from '../src/cloud/testing/lambda-zip.ts';
import { LabEngine } from '../src/engine/engine.ts';
import type { EngineEvent } from '../src/engine/events.ts';
import { PROJECT_ROOT } from '../src/engine/paths.ts';
import { benchClass } from './bench-class.ts';
import { benchDurability } from './bench-durability.ts';
import { benchEditedRedeploys } from './bench-edits.ts';
import { snsFanOut } from './bench-fanout.ts';
import { benchLab3 } from './bench-lab-3.ts';
import { benchLab4 } from './bench-lab-4.ts';
import { benchLab2 } from './bench-lab2.ts';
import { benchLabDeploys } from './bench-labs.ts';
import { snsSqsLambdaLatency, sqsThroughput } from './bench-messaging.ts';
import { benchSite } from './bench-site.ts';
import { stepFunctionsExecution } from './bench-stepfunctions.ts';
import { fifoThroughput, kinesisLatency, verifyLab5 } from './bench-streaming.ts';

const run = promisify(execFile);
const rows: [string, string, string][] = [];
const row = (what: string, figure: string, budget: string) => {
  rows.push([what, figure, budget]);
  console.log(`${what.padEnd(52)} ${figure.padStart(14)}   budget ${budget}`);
};
const ms = (value: number) => `${value.toFixed(1)} ms`;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const quiet = (_: EngineEvent) => undefined;
const mib = (bytes: number) => `${Math.round(bytes / 1048576)} MiB`;

/** The whole cloud's memory: this process (the gateway and in-process services), the emulators' processes, every Lambda environment. */
async function memoryRows(cloud: RunningCloud, when: string) {
  const memory = await cloud.memory();
  const lambdas = memory.children.filter((c) => c.what.startsWith('lambda '));
  const emulators = memory.children.filter((c) => !c.what.startsWith('lambda '));
  row(`memory of the whole cloud ${when} (RSS)`, mib(memory.totalBytes), '');
  row(`  its process (gateway, services; here also the bench)`, mib(memory.processRssBytes), '');
  row(`  dynalite and kinesalite processes`, mib(emulators.reduce((sum, c) => sum + c.rssBytes, 0)), '');
  row(
    `  Lambda environments (${lambdas.length})`,
    mib(lambdas.reduce((sum, c) => sum + c.rssBytes, 0)),
    `≤ ${DEFAULT_MAX_ENVIRONMENTS} environments`,
  );
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'workshop-bench-'));
  let started = performance.now();
  const cloud = await startCloud({ port: 0, dataDir });
  row('local cloud ready after start', ms(performance.now() - started), '≤ 1000 ms');
  await memoryRows(cloud, 'with the idle cloud, after start');
  const target = { kind: 'local' as const, endpoint: cloud.endpoint, region: 'us-east-1', prefix: 'bench' };

  // Lab 1 through the engine, warm (this process keeps aws-cdk-lib loaded).
  const engine = new LabEngine(target);
  const deploy = async (choice: Parameters<LabEngine['deploy']>[1]) => {
    const t = performance.now();
    const ok = await engine.deploy('lab-1', choice, quiet);
    if (!ok) throw new Error(`deploy ${JSON.stringify(choice)} failed`);
    return performance.now() - t;
  };
  const full = { solution: true, step: Number.POSITIVE_INFINITY } as const;
  row('first deploy of Lab 1 in a fresh process', ms(await deploy(full)), '(includes CDK start)');
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) {
    warm.push(await deploy({ solution: true, step: 4 }));
    warm.push(await deploy(full));
  }
  row('warm redeploy of Lab 1 (one step changed), median', ms(percentile(warm, 50)), '≤ 300 ms');
  const verifies: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const ok = await engine.verify('lab-1', quiet);
    verifies.push(performance.now() - t);
    if (!ok) throw new Error('verify lab-1 failed on the solution');
  }
  row('verify lab-1 (all checkpoints), median', ms(percentile(verifies, 50)), '≤ 1000 ms');

  // A cold CLI: a new process that loads everything, synthesizes and deploys.
  await engine.destroy('lab-1', quiet);
  started = performance.now();
  await run(
    process.execPath,
    [join(PROJECT_ROOT, 'bin', 'workshop.mjs'), 'deploy', 'lab-1', '--solution', '--port', String(cloud.port), '--prefix', 'bench'],
    { cwd: PROJECT_ROOT },
  );
  row('cold CLI deploy of Lab 1 (npx workshop deploy)', ms(performance.now() - started), '≤ 3000 ms');
  // Every lab with a stack: deploy onto nothing, one-step redeploy and destroy, warm and cold.
  await benchLabDeploys(engine, cloud, row);
  // Every lab with a stack: its stack.ts edited, then deployed (a module the server has not seen).
  await benchEditedRedeploys(target, row);
  // Lab 3: its checkpoints with a short deadline, 100 requests for quotes at once.
  await benchLab3(engine, cloud, target, row);
  // Lab 2: 1,000 rides through topic, queues and mappings; the worker against a mapping.
  await benchLab2(engine, target, row);

  // SNS publish → subscribed Lambda handler running.
  const sns = new SNSClient(clientConfig(target));
  const lambda = new LambdaClient(clientConfig(target));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'bench-latency' }));
  const source = `exports.handler = async (event) => { console.log('T', performance.timeOrigin + performance.now(), event.Records[0].Sns.Message); };`;
  const { FunctionArn } = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'bench-latency',
      Runtime: 'nodejs22.x',
      Role: TEST_ROLE,
      Handler: 'index.handler',
      Code: { ZipFile: handlerZip(source) },
    }),
  );
  await lambda.send(
    new AddPermissionCommand({
      FunctionName: 'bench-latency',
      StatementId: 'sns',
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceArn: TopicArn,
    }),
  );
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: FunctionArn }));
  await lambda.send(
    new InvokeCommand({ FunctionName: 'bench-latency', Payload: JSON.stringify({ Records: [{ Sns: { Message: 'warm-up' } }] }) }),
  );
  const sent = new Map<string, number>();
  for (let i = 0; i < 200; i++) {
    const id = `m${i}`;
    sent.set(id, performance.timeOrigin + performance.now());
    await sns.send(new PublishCommand({ TopicArn, Message: id }));
    await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise((r) => setTimeout(r, 300));
  const latencies: number[] = [];
  for (const stream of cloud.services.logs.groups.get('/aws/lambda/bench-latency')!.streams.values()) {
    for (const event of stream.events) {
      const match = /\tT (\d+\.?\d*) (m\d+)$/.exec(event.message);
      if (match && sent.has(match[2])) latencies.push(Number(match[1]) - sent.get(match[2])!);
    }
  }
  row(`SNS publish → Lambda handler running, p50 (n=${latencies.length})`, ms(percentile(latencies, 50)), '≤ 10 ms');
  row('SNS publish → Lambda handler running, p99', ms(percentile(latencies, 99)), '(AWS: 225 ms)');
  await sqsThroughput(target, row, join(dataDir, 'fauxqs-alone'));
  await snsFanOut(cloud, target, row);
  await snsSqsLambdaLatency(cloud, target, row);
  await stepFunctionsExecution(cloud, target, row);
  await benchLab4(engine, cloud, target, row);
  await verifyLab5(engine, row);
  await fifoThroughput(target, row);
  await kinesisLatency(cloud, target, row);
  // The site: JS weight per page against the Docusaurus template, the live diagram's latency and frame rate.
  if (process.env.WORKSHOP_BENCH_SITE !== '0') await benchSite(cloud, row);
  await memoryRows(cloud, 'after the run');
  await cloud.stop();
  await benchDurability(row);
  await benchClass(row);
  await rm(dataDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
