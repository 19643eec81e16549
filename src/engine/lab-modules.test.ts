import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../cloud/testing/test-cloud.ts';
import { LabEngine, labsIn } from './engine.ts';
import type { EngineEvent } from './events.ts';
import { folderFingerprint, LabModuleCache } from './lab-modules.ts';
import { LABS_DIR, loadLab } from './registry.ts';
import { STEP_FILES_DIR } from './stack-source.ts';

// A labs folder of the test's own (the kit and one small lab), inside the project so that its
// imports of aws-cdk-lib resolve: the learner's stack.ts is edited here, never in labs/.
function labsFolderCopy(): string {
  mkdirSync(STEP_FILES_DIR, { recursive: true });
  const root = mkdtempSync(join(STEP_FILES_DIR, '..', 'lab-modules-test-'));
  cpSync(join(LABS_DIR, 'kit'), join(root, 'kit'), { recursive: true });
  const lab = join(root, 'lab-9-cache');
  mkdirSync(join(lab, 'solution'), { recursive: true });
  writeFileSync(
    join(lab, 'lab.ts'),
    `import { defineLab } from '../kit/lab.ts';
import { output } from '../kit/outputs.ts';
export default defineLab({
  id: 'lab-9', slug: 'lab-9-cache', title: 'Cache probe',
  steps: [{ n: 1, title: 'A queue' }],
  stack: { className: 'CacheStack' },
  snippets: [],
  checkpoints: [{ id: 'queue', step: 1, title: 'The queue exists', hint: 'Add the queue.', run: () => output('QueueUrl') }],
});
`,
  );
  writeFileSync(
    join(lab, 'solution', 'stack.ts'),
    stackSource(['// #region step 1', queueLines('Queue'), '// #endregion'].join('\n'), '../../kit/lab.ts'),
  );
  writeFileSync(join(lab, 'stack.ts'), stackSource(''));
  return root;
}

/** The lab's stack with `body` in its constructor; `kit` is the kit's lab.ts as the file imports it. */
function stackSource(body: string, kit = '../kit/lab.ts'): string {
  return `import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { LabStackProps } from '${kit}';
export class CacheStack extends Stack {
  constructor(scope: Construct, id: string, props: LabStackProps) {
    super(scope, id, props);
    new sqs.Queue(this, 'Base', { queueName: \`\${props.prefix}-Base\`, removalPolicy: RemovalPolicy.DESTROY });
${body}
  }
}
`;
}

const queueLines = (name: string) =>
  `    const ${name.toLowerCase()} = new sqs.Queue(this, '${name}', { queueName: \`\${props.prefix}-${name}\`, removalPolicy: RemovalPolicy.DESTROY });
    new CfnOutput(this, '${name}Url', { value: ${name.toLowerCase()}.queueUrl });`;

describe('folderFingerprint', () => {
  let root: string;
  before(() => {
    root = labsFolderCopy();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('changes when a file is edited, added or removed, and only then', () => {
    const first = folderFingerprint(root);
    assert.equal(folderFingerprint(root), first, 'nothing changed');
    const stack = join(root, 'lab-9-cache', 'stack.ts');
    writeFileSync(stack, stackSource('// a comment'));
    const edited = folderFingerprint(root);
    assert.notEqual(edited, first);
    writeFileSync(join(root, 'lab-9-cache', 'helper.ts'), 'export const x = 1;\n');
    const added = folderFingerprint(root);
    assert.notEqual(added, edited);
    rmSync(join(root, 'lab-9-cache', 'helper.ts'));
    assert.equal(folderFingerprint(root), edited, 'removing the file gives the fingerprint without it');
    writeFileSync(stack, stackSource(''));
    assert.equal(folderFingerprint(root), first, 'the same content gives the same fingerprint');
    const skipStack = (path: string) => path === 'lab-9-cache/stack.ts';
    const withoutStack = folderFingerprint(root, skipStack);
    writeFileSync(stack, stackSource('// another comment'));
    assert.equal(folderFingerprint(root, skipStack), withoutStack, 'a skipped file does not count');
    writeFileSync(stack, stackSource(''));
  });
});

describe('LabModuleCache', () => {
  test('loads once per fingerprint, again after a change, and does not keep a failure', async () => {
    const cache = new LabModuleCache<number>();
    let loads = 0;
    const load = async () => ++loads;
    assert.equal(await cache.get('k', 'a', load), 1);
    assert.equal(await cache.get('k', 'a', load), 1);
    assert.equal(await cache.get('other', 'a', load), 2, 'each key has its own entry');
    assert.equal(await cache.get('k', 'b', load), 3, 'a new fingerprint loads again');
    await assert.rejects(
      cache.get('k', 'c', async () => Promise.reject(new Error('syntax error'))),
      /syntax error/,
    );
    assert.equal(await cache.get('k', 'c', load), 4, 'the failed load was not kept');
  });
});

describe('the engine with a labs folder it loads once', () => {
  let root: string;
  let cloud: TestCloud;
  let engine: LabEngine;
  before(async () => {
    root = labsFolderCopy();
    cloud = await startTestCloud();
    engine = new LabEngine({ kind: 'local', endpoint: cloud.endpoint, region: 'us-east-1', prefix: 'cache' }, labsIn(root));
  });
  after(async () => {
    await engine?.destroy('lab-9', () => undefined);
    await cloud?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function deploy(choice: Parameters<LabEngine['deploy']>[1]): Promise<Record<string, string>> {
    const events: EngineEvent[] = [];
    const ok = await engine.deploy('lab-9', choice, (event) => events.push(event));
    const done = events.find((e) => e.type === 'done') as Extract<EngineEvent, { type: 'done' }>;
    assert.ok(ok, JSON.stringify(done.error));
    return done.outputs ?? {};
  }

  test("reuses a loaded lab until one of its files changes (the learner's stack.ts is not one of them)", async () => {
    const first = await loadLab('lab-9', root);
    assert.equal(await loadLab('lab-9', root), first, 'the same files give the same definition, not a new evaluation');
    const stack = join(root, 'lab-9-cache', 'stack.ts');
    writeFileSync(stack, `${readFileSync(stack, 'utf8')}// a learner's edit\n`);
    assert.equal(await loadLab('lab-9', root), first, "no lab.ts imports the learner's stack.ts: editing it keeps the definition");
    const file = join(root, 'lab-9-cache', 'lab.ts');
    writeFileSync(file, `// edited\n${readFileSync(file, 'utf8')}`);
    assert.notEqual(await loadLab('lab-9', root), first, 'an edited lab.ts is loaded again');
  });

  test("an edit to the learner's stack.ts is deployed by the next deploy", async () => {
    const starter = await deploy({ solution: false });
    assert.deepEqual(Object.keys(starter), []);
    assert.equal(await engine.verify('lab-9', () => undefined), false, 'the starter has no queue');
    writeFileSync(join(root, 'lab-9-cache', 'stack.ts'), stackSource(queueLines('Queue')));
    const edited = await deploy({ solution: false });
    assert.match(edited.QueueUrl ?? '', /cache-Queue$/, `the edited stack's queue is deployed: ${JSON.stringify(edited)}`);
    assert.equal(await engine.verify('lab-9', () => undefined), true);
    writeFileSync(join(root, 'lab-9-cache', 'stack.ts'), stackSource(`${queueLines('Queue')}\n${queueLines('Second')}`));
    const again = await deploy({ solution: false });
    assert.match(again.SecondUrl ?? '', /cache-Second$/, `a second edit is deployed too: ${JSON.stringify(again)}`);
    // The solution and the learner's file are kept apart: deploying one does not give the other.
    const solution = await deploy({ solution: true, step: 1 });
    assert.deepEqual(Object.keys(solution), ['QueueUrl']);
  });
});
