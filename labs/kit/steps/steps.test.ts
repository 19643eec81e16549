import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  applyHunks,
  lastStep,
  learnerFileAtStep,
  relocateSource,
  StepAnnotationError,
  sourceAtStep,
  stepChanges,
  stepHunks,
} from './index.ts';

const annotated = `import { Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns'; // #step 1
import { helper } from '../helper.ts';

class A extends Stack {
  f() {
    // Step 1: a topic.
    // #region step 1
    const topic = new sns.Topic(this, 'T');
    // #endregion

    // Step 2: subscribe.
    // #region step 2, replaced in step 3
    // topic.addSubscription(plain);
    // #endregion
    // #region step 3
    topic.addSubscription(filtered); // #step 3
    // #endregion
  }
}`;

describe('cutting an annotated solution', () => {
  test('step 0 is the starter: no step lines, markers gone', () => {
    assert.equal(
      sourceAtStep(annotated, 0),
      `import { Stack } from 'aws-cdk-lib';
import { helper } from '../helper.ts';

class A extends Stack {
  f() {
    // Step 1: a topic.

    // Step 2: subscribe.
  }
}`,
    );
  });

  test('a replaced line exists only in the steps before its replacement, uncommented', () => {
    assert.match(sourceAtStep(annotated, 2), /^ {4}topic\.addSubscription\(plain\);$/m);
    assert.doesNotMatch(sourceAtStep(annotated, 2), /filtered/);
    assert.doesNotMatch(sourceAtStep(annotated, 3), /plain/);
    assert.match(sourceAtStep(annotated, 3), /^ {4}topic\.addSubscription\(filtered\);$/m);
    assert.equal(lastStep(annotated), 3);
  });

  test('malformed annotations are refused with their line', () => {
    assert.throws(
      () => sourceAtStep('// #region step 1\nx', 1),
      (e: Error) => e instanceof StepAnnotationError && /line 1: #region without an #endregion/.test(e.message),
    );
    assert.throws(() => sourceAtStep('x\n// #endregion', 1), /line 2: #endregion without a #region/);
    assert.throws(() => sourceAtStep('// #region step 2, replaced in step 3\nold();\n// #endregion', 1), /line 2: .*written commented out/);
    assert.throws(
      () => sourceAtStep('// #region step 3, replaced in step 3\n// #endregion', 1),
      /replaced in step 3, before or when it arrives/,
    );
    assert.throws(
      () => sourceAtStep('// #region step 2\n// #region step 1\n// #endregion\n// #endregion', 1),
      /line 2: a region of steps 1.. cannot sit inside one of steps 2../,
    );
    assert.throws(() => sourceAtStep('// #region helpers\n// #endregion', 1), /is not "#region step N"/);
    assert.throws(() => sourceAtStep('x(); // #step one', 1), /is not "#step N"/);
  });
});

describe('relocating relative paths', () => {
  test('imports and import.meta URLs name the same files from another folder', () => {
    const source = `import { a } from '../../kit/lab.ts';\nimport { b } from '../ride-services.ts';\nimport './side.ts';\nconst h = new URL('../functions/x.ts', import.meta.url);\nimport x from 'aws-cdk-lib';`;
    assert.equal(
      relocateSource(source, 'labs/lab-1/solution', 'labs/lab-1'),
      `import { a } from '../kit/lab.ts';\nimport { b } from './ride-services.ts';\nimport './solution/side.ts';\nconst h = new URL('./functions/x.ts', import.meta.url);\nimport x from 'aws-cdk-lib';`,
    );
    assert.equal(
      relocateSource(`import { a } from '../x.ts';`, '/p/labs/l/solution', '/p/.workshop/steps/l'),
      `import { a } from '../../../labs/l/x.ts';`,
    );
    assert.equal(relocateSource(`import { a } from '../x.ts';`, 'solution', '.'), `import { a } from './x.ts';`);
  });

  test('the learner file has paths relative to the lab folder', () => {
    assert.match(learnerFileAtStep(annotated, 0), /from '\.\/helper\.ts'/);
  });
});

describe('the changes a step shows', () => {
  test('each change carries context that places it exactly once', () => {
    const [hunk, ...rest] = stepChanges(annotated, 1);
    assert.equal(rest.length, 1, 'the import and the topic are two places');
    assert.deepEqual(
      hunk.lines.filter((l) => l.kind === 'add').map((l) => l.text),
      [`import * as sns from 'aws-cdk-lib/aws-sns';`],
    );
  });

  test('a replacement shows the removed line, then the added one', () => {
    const lines = stepChanges(annotated, 3).flatMap((h) => h.lines.filter((l) => l.kind !== 'context'));
    assert.deepEqual(lines, [
      { kind: 'remove', text: '    topic.addSubscription(plain);' },
      { kind: 'add', text: '    topic.addSubscription(filtered);' },
    ]);
  });

  test("applying every step in order to the starter gives each step's file", () => {
    let file = learnerFileAtStep(annotated, 0);
    for (let step = 1; step <= 3; step++) {
      file = applyHunks(file, stepChanges(annotated, step));
      assert.equal(file, learnerFileAtStep(annotated, step));
    }
  });

  test('context grows past repeated lines until the place is unique', () => {
    const before = ['a();', 'x();', 'y();', 'b();', 'x();', 'y();', 'c();'].join('\n');
    const after = ['a();', 'x();', 'y();', 'b();', 'x();', 'NEW();', 'y();', 'c();'].join('\n');
    const hunks = stepHunks(before, after, 1);
    assert.equal(applyHunks(before, hunks), after);
    assert.ok(
      hunks[0].lines.some((l) => l.text === 'b();'),
      'context reaches the line that tells the two places apart',
    );
  });

  test('a change that cannot be placed is refused, not guessed', () => {
    const hunks = stepHunks('a();\nb();', 'a();\nnew();\nb();');
    assert.throws(() => applyHunks('a();\nb();\na();\nb();', hunks), /is in the file 2 times/);
    assert.throws(() => applyHunks('z();', hunks), /is not in the file/);
  });
});
