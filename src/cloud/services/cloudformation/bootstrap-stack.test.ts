import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, ListExportsCommand } from '@aws-sdk/client-cloudformation';
import { DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand, GetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { waitForStack } from '../../testing/stacks.ts';
import { startTestCloud, type TestCloud } from '../../testing/test-cloud.ts';

// The CDK's own bootstrap template, as the toolkit library installed here carries it (YAML).
const toolkitLib = dirname(createRequire(import.meta.url).resolve('@aws-cdk/toolkit-lib/package.json'));
const BOOTSTRAP_TEMPLATE = readFileSync(join(toolkitLib, 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml'), 'utf8');
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const name = (kind: string) => `cdk-hnb659fds-${kind}-${ACCOUNT}-${REGION}`;

let cloud: TestCloud;
let config: ReturnType<typeof clientConfig>;

before(async () => {
  cloud = await startTestCloud();
  config = clientConfig(cloud.target);
});
after(() => cloud.stop());

describe("the CDK's bootstrap stack on the local cloud", () => {
  test('deploys with the parameters the toolkit gives, every resource observable through its service', async () => {
    const cfn = new CloudFormationClient(config);
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    // What `cdk bootstrap` passes for a first bootstrap without options.
    const Parameters = [
      { ParameterKey: 'TrustedAccounts', ParameterValue: '' },
      { ParameterKey: 'TrustedAccountsForLookup', ParameterValue: '' },
      { ParameterKey: 'CloudFormationExecutionPolicies', ParameterValue: '' },
      { ParameterKey: 'FileAssetsBucketKmsKeyId', ParameterValue: 'AWS_MANAGED_KEY' },
      { ParameterKey: 'PublicAccessBlockConfiguration', ParameterValue: 'true' },
    ];
    await cfn.send(
      new CreateStackCommand({
        StackName: 'CDKToolkit',
        TemplateBody: BOOTSTRAP_TEMPLATE,
        Parameters,
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    const stack = await waitForStack(cfn, 'CDKToolkit');
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
    const outputs = Object.fromEntries(stack.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
    assert.equal(outputs.BucketName, name('assets'));
    assert.equal(outputs.ImageRepositoryName, name('container-assets'));
    assert.equal(outputs.FileAssetKeyArn, 'AWS_MANAGED_KEY');
    assert.deepEqual(
      (await cfn.send(new ListExportsCommand({}))).Exports!.map((e) => e.Name),
      ['CdkBootstrap-hnb659fds-FileAssetKeyArn'],
    );

    // The staging bucket, with its settings, policy, lifecycle and public access block.
    const Bucket = name('assets');
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    assert.equal(encryption.ServerSideEncryptionConfiguration!.Rules![0].ApplyServerSideEncryptionByDefault!.SSEAlgorithm, 'aws:kms');
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Enabled');
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
    assert.deepEqual(
      lifecycle.Rules!.map((r) => [
        r.ID,
        r.Status,
        r.NoncurrentVersionExpiration?.NoncurrentDays,
        r.AbortIncompleteMultipartUpload?.DaysAfterInitiation,
      ]),
      [
        ['CleanupOldVersions', 'Enabled', 30, undefined],
        ['AbortIncompleteMultipartUploads', 'Enabled', undefined, 1],
      ],
    );
    assert.deepEqual((await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    assert.match((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy!, /AllowSSLRequestsOnly/);

    // The container asset repository, with its policies.
    const ecr = new ECRClient(config);
    const [repository] = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name('container-assets')] }))).repositories!;
    assert.equal(repository.imageTagMutability, 'IMMUTABLE');
    assert.equal(repository.repositoryUri, `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name('container-assets')}`);
    assert.match(
      (await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: repository.repositoryName }))).lifecyclePolicyText!,
      /"countNumber": 365/,
    );
    assert.match(
      (await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: repository.repositoryName }))).policyText!,
      /LambdaECRImageRetrievalPolicy/,
    );

    // The roles, their trust, tags and managed policies; the version parameter.
    const iam = new IAMClient(config);
    for (const [role, tag] of [
      ['deploy-role', 'deploy'],
      ['file-publishing-role', 'file-publishing'],
      ['image-publishing-role', 'image-publishing'],
      ['lookup-role', 'lookup'],
    ]) {
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: name(role) }));
      assert.match(decodeURIComponent(Role!.AssumeRolePolicyDocument!), /"sts:ExternalId":"true"/, `${role} refuses an ExternalId`);
      const { Tags } = await iam.send(new ListRoleTagsCommand({ RoleName: name(role) }));
      assert.ok(
        Tags!.some((t) => t.Key === 'aws-cdk:bootstrap-role' && t.Value === tag),
        `${role} is tagged ${tag}`,
      );
    }
    const execution = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name('cfn-exec-role') }));
    assert.deepEqual(
      execution.AttachedPolicies!.map((p) => p.PolicyArn),
      ['arn:aws:iam::aws:policy/AdministratorAccess'],
    );
    const version = await new SSMClient(config).send(new GetParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version' }));
    assert.equal(version.Parameter!.Value, outputs.BootstrapVersion);

    // Deleting the stack keeps the bucket (DeletionPolicy Retain) and removes the rest.
    await cfn.send(new DeleteStackCommand({ StackName: 'CDKToolkit' }));
    assert.equal((await waitForStack(cfn, stack.StackId!)).StackStatus, 'DELETE_COMPLETE');
    await s3.send(new HeadBucketCommand({ Bucket }));
    assert.equal(cloud.services.ecr.repositories.size, 0);
    assert.equal(cloud.services.iam.roles.size, 0);
    assert.equal(cloud.services.ssm.parameters.size, 0);
  });
});
