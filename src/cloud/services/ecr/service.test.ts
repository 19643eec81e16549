import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let ecr: ECRClient;

before(async () => {
  cloud = await startTestCloud();
  ecr = new ECRClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

describe('ECR', () => {
  test('repositories are created, described and deleted with ECR’s errors; images are refused by name', async () => {
    const repositoryName = uniqueName('assets');
    const { repository } = await ecr.send(new CreateRepositoryCommand({ repositoryName, imageTagMutability: 'IMMUTABLE' }));
    assert.equal(repository!.repositoryArn, `arn:aws:ecr:us-east-1:000000000000:repository/${repositoryName}`);
    await assert.rejects(ecr.send(new CreateRepositoryCommand({ repositoryName })), { name: 'RepositoryAlreadyExistsException' });
    await assert.rejects(ecr.send(new CreateRepositoryCommand({ repositoryName: 'Upper/Case' })), { name: 'InvalidParameterException' });
    const [described] = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }))).repositories!;
    assert.equal(described.imageTagMutability, 'IMMUTABLE');
    await assert.rejects(ecr.send(new PutImageCommand({ repositoryName, imageManifest: '{}' })), {
      message: /does not support ECR PutImage/,
    });
    await ecr.send(new DeleteRepositoryCommand({ repositoryName }));
    await assert.rejects(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] })), {
      name: 'RepositoryNotFoundException',
      message: `The repository with name '${repositoryName}' does not exist in the registry with id '000000000000'`,
    });
  });
});
