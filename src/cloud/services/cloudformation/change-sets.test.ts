import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateSummaryCommand,
  ListChangeSetsCommand,
  UpdateStackCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { waitForStack } from '../../testing/stacks.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let cfn: CloudFormationClient;
let s3: S3Client;

before(async () => {
  cloud = await startTestCloud();
  cfn = new CloudFormationClient(clientConfig(cloud.target));
  s3 = new S3Client({ ...clientConfig(cloud.target), forcePathStyle: true });
});
after(() => cloud.stop());

/** A template of SNS topics (with their display names) and queues, as the CDK toolkit sends it: YAML. */
function template(resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>): string {
  return Object.entries({ Resources: resources })
    .map(([section, entries]) =>
      [
        `${section}:`,
        ...Object.entries(entries).flatMap(([id, r]) => [
          `  ${id}:`,
          `    Type: ${r.Type}`,
          ...(r.DeletionPolicy ? [`    DeletionPolicy: ${r.DeletionPolicy}`] : []),
          ...(r.Properties
            ? [
                '    Properties:',
                ...Object.entries(r.Properties).map(
                  ([k, v]) => `      ${k}: ${typeof v === 'string' && !v.startsWith('!') ? JSON.stringify(v) : v}`,
                ),
              ]
            : []),
        ]),
      ].join('\n'),
    )
    .join('\n');
}

/** Polls DescribeChangeSet until the change set has been worked out. */
async function settled(StackName: string, ChangeSetName: string, IncludePropertyValues = true): Promise<DescribeChangeSetCommandOutput> {
  for (let i = 0; i < 200; i++) {
    const description = await cfn.send(new DescribeChangeSetCommand({ StackName, ChangeSetName, IncludePropertyValues }));
    if (description.Status !== 'CREATE_PENDING' && description.Status !== 'CREATE_IN_PROGRESS') return description;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`change set ${ChangeSetName} never settled`);
}

const byId = (description: DescribeChangeSetCommandOutput) =>
  Object.fromEntries((description.Changes ?? []).map((c) => [c.ResourceChange!.LogicalResourceId!, c.ResourceChange!]));

describe('CloudFormation change sets', () => {
  test('a CREATE change set holds a new stack in REVIEW_IN_PROGRESS until it runs', async () => {
    const StackName = uniqueName('cs-create');
    const body = template({ Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'Rides' } }, Queue: { Type: 'AWS::SQS::Queue' } });
    const { Id, StackId } = await cfn.send(
      new CreateChangeSetCommand({
        StackName,
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateBody: body,
        Description: 'first try',
      }),
    );
    assert.match(Id!, /^arn:aws:cloudformation:us-east-1:000000000000:changeSet\/first\/[0-9a-f-]{36}$/);
    const [review] = (await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks!;
    assert.equal(review.StackStatus, 'REVIEW_IN_PROGRESS');
    assert.equal(review.StackId, StackId);

    const description = await settled(StackName, 'first');
    assert.deepEqual(
      [description.Status, description.ExecutionStatus, description.Description],
      ['CREATE_COMPLETE', 'AVAILABLE', 'first try'],
    );
    assert.deepEqual(
      Object.values(byId(description))
        .map((c) => [c.LogicalResourceId, c.Action, c.ResourceType])
        .sort(),
      [
        ['Queue', 'Add', 'AWS::SQS::Queue'],
        ['Topic', 'Add', 'AWS::SNS::Topic'],
      ],
    );
    assert.equal(cloud.services.sns.store.topics.size, 0, 'creating the change set created nothing');

    await cfn.send(new ExecuteChangeSetCommand({ StackName, ChangeSetName: 'first' }));
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
    assert.equal(stack.ChangeSetId, Id);
    assert.equal((await cfn.send(new DescribeChangeSetCommand({ StackName, ChangeSetName: Id }))).ExecutionStatus, 'EXECUTE_COMPLETE');
    await cfn.send(new DeleteStackCommand({ StackName }));
  });

  test('an UPDATE change set shows modifications in place, replacements (certain or depending on another) and removals', async () => {
    const StackName = uniqueName('cs-update');
    await cfn.send(
      new CreateChangeSetCommand({
        StackName,
        ChangeSetName: 'create',
        ChangeSetType: 'CREATE',
        TemplateBody: template({
          Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `${StackName}-rides`, DisplayName: 'Rides' } },
          Subscription: {
            Type: 'AWS::SNS::Subscription',
            Properties: { TopicArn: '!Ref Topic', Protocol: 'sqs', Endpoint: '!GetAtt Queue.Arn' },
          },
          Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } },
          Old: { Type: 'AWS::SQS::Queue' },
        }),
      }),
    );
    await settled(StackName, 'create');
    await cfn.send(new ExecuteChangeSetCommand({ StackName, ChangeSetName: 'create' }));
    assert.equal((await waitForStack(cfn, StackName)).StackStatus, 'CREATE_COMPLETE');

    const next = template({
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `${StackName}-rides-v2`, DisplayName: 'Rides' } },
      Subscription: {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: '!Ref Topic', Protocol: 'sqs', Endpoint: '!GetAtt Queue.Arn' },
      },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 60 } },
      New: { Type: 'AWS::SQS::Queue' },
    });
    await cfn.send(new CreateChangeSetCommand({ StackName, ChangeSetName: 'update', ChangeSetType: 'UPDATE', TemplateBody: next }));
    await cfn.send(new CreateChangeSetCommand({ StackName, ChangeSetName: 'rival', TemplateBody: next }));
    const changes = byId(await settled(StackName, 'update'));
    assert.deepEqual(
      [changes.Queue.Action, changes.Queue.Replacement, changes.Queue.Details![0].Target],
      [
        'Modify',
        'False',
        {
          Attribute: 'Properties',
          Name: 'VisibilityTimeout',
          RequiresRecreation: 'Never',
          Path: '/Properties/VisibilityTimeout',
          BeforeValue: '30',
          AfterValue: '60',
          AttributeChangeType: 'Modify',
        },
      ],
    );
    assert.deepEqual([changes.Topic.Action, changes.Topic.Replacement, changes.Topic.PolicyAction], ['Modify', 'True', 'ReplaceAndDelete']);
    // The subscription's TopicArn waits for the new topic: a dynamic change that may replace it.
    assert.deepEqual(
      [changes.Subscription.Replacement, changes.Subscription.Details![0].Evaluation, changes.Subscription.Details![0].CausingEntity],
      ['Conditional', 'Dynamic', 'Topic'],
    );
    assert.deepEqual([changes.Old.Action, changes.Old.PolicyAction, changes.New.Action], ['Remove', 'Delete', 'Add']);
    const plain = byId(await settled(StackName, 'update', false));
    assert.equal(plain.Queue.Details![0].Target!.AfterValue, undefined, 'values only with IncludePropertyValues');

    await cfn.send(new ExecuteChangeSetCommand({ StackName, ChangeSetName: 'update' }));
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.StackStatus, 'UPDATE_COMPLETE', stack.StackStatusReason);
    await assert.rejects(cfn.send(new DescribeChangeSetCommand({ StackName, ChangeSetName: 'rival' })), {
      name: 'ChangeSetNotFoundException',
      message: 'ChangeSet [rival] does not exist',
    });
    await assert.rejects(cfn.send(new ExecuteChangeSetCommand({ StackName, ChangeSetName: 'update' })), {
      name: 'InvalidChangeSetStatusException',
      message: /cannot be executed in its current execution status of \[EXECUTE_COMPLETE\]/,
    });
    const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName })))
      .StackResources!.map((r) => r.LogicalResourceId)
      .sort();
    assert.deepEqual(resources, ['New', 'Queue', 'Subscription', 'Topic']);
    await cfn.send(new DeleteStackCommand({ StackName }));
  });

  test("a change set that changes nothing fails with AWS's reason and cannot run; an UpdateStack makes the others obsolete", async () => {
    const StackName = uniqueName('cs-empty');
    const body = template({ Topic: { Type: 'AWS::SNS::Topic' } });
    await cfn.send(new CreateChangeSetCommand({ StackName, ChangeSetName: 'create', ChangeSetType: 'CREATE', TemplateBody: body }));
    await settled(StackName, 'create');
    await cfn.send(new ExecuteChangeSetCommand({ StackName, ChangeSetName: 'create' }));
    await waitForStack(cfn, StackName);
    await cfn.send(new CreateChangeSetCommand({ StackName, ChangeSetName: 'same', TemplateBody: body }));
    const same = await settled(StackName, 'same');
    assert.deepEqual(
      [same.Status, same.ExecutionStatus, same.StatusReason],
      ['FAILED', 'UNAVAILABLE', "The submitted information didn't contain changes. Submit different information to create a change set."],
    );
    await assert.rejects(cfn.send(new ExecuteChangeSetCommand({ StackName, ChangeSetName: 'same' })), {
      name: 'InvalidChangeSetStatusException',
      message: /cannot be executed in its current status of \[FAILED\]/,
    });

    await cfn.send(
      new CreateChangeSetCommand({
        StackName,
        ChangeSetName: 'later',
        TemplateBody: template({ Topic: { Type: 'AWS::SNS::Topic' }, Queue: { Type: 'AWS::SQS::Queue' } }),
      }),
    );
    await settled(StackName, 'later');
    await cfn.send(
      new UpdateStackCommand({
        StackName,
        TemplateBody: template({ Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'Changed' } } }),
      }),
    );
    await waitForStack(cfn, StackName);
    const summaries = (await cfn.send(new ListChangeSetsCommand({ StackName }))).Summaries!;
    assert.deepEqual(
      summaries.map((s) => [s.ChangeSetName, s.Status, s.ExecutionStatus]),
      [
        ['create', 'CREATE_COMPLETE', 'EXECUTE_COMPLETE'],
        ['same', 'FAILED', 'UNAVAILABLE'],
        ['later', 'CREATE_COMPLETE', 'OBSOLETE'],
      ],
    );
    await cfn.send(new DeleteChangeSetCommand({ StackName, ChangeSetName: 'same' }));
    await cfn.send(new DeleteChangeSetCommand({ StackName, ChangeSetName: 'never-made' }));
    assert.equal((await cfn.send(new ListChangeSetsCommand({ StackName }))).Summaries!.length, 2);
    await cfn.send(new DeleteStackCommand({ StackName }));
  });

  test('refuses what AWS refuses, with its words', async () => {
    const StackName = uniqueName('cs-refused');
    const body = template({ Topic: { Type: 'AWS::SNS::Topic' } });
    await assert.rejects(cfn.send(new CreateChangeSetCommand({ StackName, ChangeSetName: 'update', TemplateBody: body })), {
      name: 'ValidationError',
      message: `Stack [${StackName}] does not exist`,
    });
    await cfn.send(new CreateChangeSetCommand({ StackName, ChangeSetName: 'one', ChangeSetType: 'CREATE', TemplateBody: body }));
    await assert.rejects(
      cfn.send(new CreateChangeSetCommand({ StackName, ChangeSetName: 'one', ChangeSetType: 'CREATE', TemplateBody: body })),
      { name: 'AlreadyExistsException' },
    );
    await assert.rejects(
      cfn.send(new CreateChangeSetCommand({ StackName, ChangeSetName: 'update', TemplateBody: body })),
      { message: `Stack [${StackName}] does not exist` },
      'a stack under review cannot be updated',
    );
    await assert.rejects(cfn.send(new DescribeChangeSetCommand({ ChangeSetName: 'one' })), {
      message: 'StackName must be specified if ChangeSetName is not specified as an ARN.',
    });
    await assert.rejects(
      cfn.send(new CreateChangeSetCommand({ StackName, ChangeSetName: 'imports', ChangeSetType: 'IMPORT', TemplateBody: body })),
      { message: /IMPORT change sets/ },
    );
    const iam = template({ Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: '{"Statement":[]}' } } });
    await assert.rejects(
      cfn.send(
        new CreateChangeSetCommand({ StackName: uniqueName('cs-iam'), ChangeSetName: 'x', ChangeSetType: 'CREATE', TemplateBody: iam }),
      ),
      { name: 'InsufficientCapabilitiesException' },
    );

    // Deleting the CREATE change set leaves the stack under review, with nothing in it, until deleted.
    await settled(StackName, 'one');
    await cfn.send(new DeleteChangeSetCommand({ StackName, ChangeSetName: 'one' }));
    assert.equal((await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks![0].StackStatus, 'REVIEW_IN_PROGRESS');
    const { StackId } = (await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks![0];
    await cfn.send(new DeleteStackCommand({ StackName }));
    assert.equal((await waitForStack(cfn, StackId!)).StackStatus, 'DELETE_COMPLETE');
  });

  test('ImportExistingResources takes in a retained, custom-named bucket that exists instead of creating it', async () => {
    const StackName = uniqueName('cs-import');
    const Bucket = uniqueName('kept-bucket');
    await s3.send(new CreateBucketCommand({ Bucket }));
    const body = template({
      Kept: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', Properties: { BucketName: Bucket } },
      Topic: { Type: 'AWS::SNS::Topic' },
    });
    await cfn.send(
      new CreateChangeSetCommand({
        StackName,
        ChangeSetName: 'adopt',
        ChangeSetType: 'CREATE',
        TemplateBody: body,
        ImportExistingResources: true,
      }),
    );
    const changes = byId(await settled(StackName, 'adopt'));
    assert.deepEqual([changes.Kept.Action, changes.Kept.PhysicalResourceId, changes.Topic.Action], ['Import', Bucket, 'Add']);
    await cfn.send(new ExecuteChangeSetCommand({ StackName, ChangeSetName: 'adopt' }));
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName })))
      .StackEvents!.filter((e) => e.LogicalResourceId === 'Kept')
      .map((e) => e.ResourceStatus);
    assert.deepEqual(events.reverse(), ['IMPORT_IN_PROGRESS', 'IMPORT_COMPLETE']);
    await cfn.send(new DeleteStackCommand({ StackName }));
    await waitForStack(cfn, stack.StackId!);
    await s3.send(new HeadBucketCommand({ Bucket })); // retained, as its DeletionPolicy says

    // Without ImportExistingResources the same template tries to create the bucket, and fails.
    const again = uniqueName('cs-no-import');
    await cfn.send(new CreateChangeSetCommand({ StackName: again, ChangeSetName: 'create', ChangeSetType: 'CREATE', TemplateBody: body }));
    assert.equal(byId(await settled(again, 'create')).Kept.Action, 'Add');
    await cfn.send(new ExecuteChangeSetCommand({ StackName: again, ChangeSetName: 'create' }));
    assert.equal((await waitForStack(cfn, again)).StackStatus, 'ROLLBACK_COMPLETE');
  });
});

describe('CloudFormation templates in YAML, conditions and summaries', () => {
  test('YAML templates with short-form functions deploy; a type the local cloud lacks is refused only when a condition keeps it', async () => {
    const StackName = uniqueName('yaml');
    const TemplateBody = [
      'Parameters:',
      '  WithKey: { Type: String, Default: "no", AllowedValues: ["yes", "no"] }',
      '  Prefix: { Type: String, Default: rides, AllowedPattern: "[a-z]+", ConstraintDescription: lowercase letters only }',
      'Conditions:',
      '  KeyWanted: !Equals [!Ref WithKey, "yes"]',
      'Resources:',
      '  Key:',
      '    Type: AWS::KMS::Key',
      '    Condition: KeyWanted',
      '  Topic:',
      '    Type: AWS::SNS::Topic',
      '    Properties:',
      '      TopicName: !Sub "${Prefix}-${AWS::StackName}"',
      '      DisplayName: !Join ["-", [!Ref Prefix, !Select [0, !GetAZs ""]]]',
      'Outputs:',
      '  Name:',
      '    Value: !GetAtt Topic.TopicName',
    ].join('\n');
    const summary = await cfn.send(new GetTemplateSummaryCommand({ TemplateBody }));
    assert.deepEqual(summary.ResourceTypes, ['AWS::KMS::Key', 'AWS::SNS::Topic']);
    assert.deepEqual(
      summary.Parameters!.map((p) => [p.ParameterKey, p.DefaultValue, p.ParameterConstraints?.AllowedValues]),
      [
        ['WithKey', 'no', ['yes', 'no']],
        ['Prefix', 'rides', undefined],
      ],
    );
    await assert.rejects(
      cfn.send(
        new CreateChangeSetCommand({
          StackName,
          ChangeSetName: 'x',
          ChangeSetType: 'CREATE',
          TemplateBody,
          Parameters: [{ ParameterKey: 'Prefix', ParameterValue: 'Rides' }],
        }),
      ),
      {
        message: 'Parameter Prefix failed to satisfy constraint: lowercase letters only',
      },
    );
    await assert.rejects(
      cfn.send(
        new CreateChangeSetCommand({
          StackName,
          ChangeSetName: 'x',
          ChangeSetType: 'CREATE',
          TemplateBody,
          Parameters: [{ ParameterKey: 'WithKey', ParameterValue: 'yes' }],
        }),
      ),
      {
        message: /does not support the resource types \[AWS::KMS::Key\]/,
      },
    );
    await cfn.send(new CreateChangeSetCommand({ StackName, ChangeSetName: 'x', ChangeSetType: 'CREATE', TemplateBody }));
    assert.deepEqual(Object.keys(byId(await settled(StackName, 'x'))), ['Topic']);
    await cfn.send(new ExecuteChangeSetCommand({ StackName, ChangeSetName: 'x' }));
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
    assert.equal(stack.Outputs![0].OutputValue, `rides-${StackName}`);
    await assert.rejects(cfn.send(new GetTemplateSummaryCommand({ TemplateBody: 'Resources:\n  A: [unclosed' })), {
      message: /^Template format error: YAML not well-formed\. \(line \d+, column \d+\)$/,
    });
    await cfn.send(new DeleteStackCommand({ StackName }));
  });

  test('termination protection refuses DeleteStack until it is turned off', async () => {
    const StackName = uniqueName('protected');
    await cfn.send(
      new CreateStackCommand({
        StackName,
        TemplateBody: template({ Topic: { Type: 'AWS::SNS::Topic' } }),
        EnableTerminationProtection: true,
      }),
    );
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.EnableTerminationProtection, true);
    await assert.rejects(cfn.send(new DeleteStackCommand({ StackName })), {
      message: `Stack [${StackName}] cannot be deleted while TerminationProtection is enabled`,
    });
    await cfn.send(new UpdateTerminationProtectionCommand({ StackName, EnableTerminationProtection: false }));
    await cfn.send(new DeleteStackCommand({ StackName }));
    assert.equal((await waitForStack(cfn, stack.StackId!)).StackStatus, 'DELETE_COMPLETE');
  });

  test('DescribeStackEvents pages through a long history, newest first', async () => {
    const StackName = uniqueName('events');
    const resources = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`Topic${i}`, { Type: 'AWS::SNS::Topic' }]));
    await cfn.send(
      new CreateChangeSetCommand({ StackName, ChangeSetName: 'many', ChangeSetType: 'CREATE', TemplateBody: template(resources) }),
    );
    await settled(StackName, 'many');
    await cfn.send(new ExecuteChangeSetCommand({ StackName, ChangeSetName: 'many' }));
    await waitForStack(cfn, StackName);
    const pages = [];
    let NextToken: string | undefined;
    do {
      const page = await cfn.send(new DescribeStackEventsCommand({ StackName, NextToken }));
      pages.push(page.StackEvents!);
      NextToken = page.NextToken;
    } while (NextToken);
    const events = pages.flat();
    assert.ok(pages.length > 1 && pages[0].length === 100, `${pages.length} pages`);
    assert.equal(events.length, 60 * 2 + 3, 'REVIEW_IN_PROGRESS, CREATE_IN_PROGRESS, two events per topic, CREATE_COMPLETE');
    assert.equal(new Set(events.map((e) => e.EventId)).size, events.length);
    assert.deepEqual([events[0].ResourceStatus, events.at(-1)!.ResourceStatus], ['CREATE_COMPLETE', 'REVIEW_IN_PROGRESS']);
    await cfn.send(new DeleteStackCommand({ StackName }));
  });
});
