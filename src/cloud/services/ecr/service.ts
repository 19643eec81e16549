import type { DescribeRepositoriesResponse, Repository } from '@aws-sdk/client-ecr';
import { type ActionTable, arn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';

// LIMITATIONS: repositories without images. The local cloud runs no Docker engine, so nothing
// can push or pull an image (Lambda functions run from zip packages); a repository is created,
// described, tagged and deleted with its policy and lifecycle policy kept as written. The CDK's
// bootstrap stack creates one for container assets, which the labs do not use.

export interface EcrRepository {
  name: string;
  arn: string;
  uri: string;
  registryId: string;
  created: Date;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  policyText?: string;
  lifecyclePolicyText?: string;
  tags: Record<string, string>;
}

const NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Amazon ECR: repositories (no images). */
export class EcrService {
  readonly repositories = new Map<string, EcrRepository>();

  readonly actions: ActionTable = {
    CreateRepository: (input, context) => ({ repository: this.describe(this.create(input, context)) }),
    DescribeRepositories: (input, context): DescribeRepositoriesResponse => {
      const names: string[] | undefined = input.repositoryNames;
      const found = names ? names.map((name) => this.repository(name, context)) : [...this.repositories.values()];
      return { repositories: found.map((r) => this.describe(r)) };
    },
    DeleteRepository: (input, context) => {
      const repository = this.repository(input.repositoryName, context);
      this.repositories.delete(repository.name);
      return { repository: this.describe(repository) };
    },
    GetRepositoryPolicy: (input, context) => {
      const repository = this.repository(input.repositoryName, context);
      if (!repository.policyText)
        throw new AwsError(
          'RepositoryPolicyNotFoundException',
          `Repository policy does not exist for the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`,
        );
      return { registryId: repository.registryId, repositoryName: repository.name, policyText: repository.policyText };
    },
    GetLifecyclePolicy: (input, context) => {
      const repository = this.repository(input.repositoryName, context);
      if (!repository.lifecyclePolicyText)
        throw new AwsError(
          'LifecyclePolicyNotFoundException',
          `Lifecycle policy does not exist for the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`,
        );
      return { registryId: repository.registryId, repositoryName: repository.name, lifecyclePolicyText: repository.lifecyclePolicyText };
    },
    ListTagsForResource: (input) => {
      const repository = [...this.repositories.values()].find((r) => r.arn === input.resourceArn);
      if (!repository) throw new AwsError('RepositoryNotFoundException', `The repository with ARN '${input.resourceArn}' does not exist.`);
      return { tags: Object.entries(repository.tags).map(([Key, Value]) => ({ Key, Value })) };
    },
  };

  /** CreateRepository, with the checks ECR makes on the name and the policies. */
  create(
    input: { repositoryName: string; imageTagMutability?: string; tags?: { Key: string; Value: string }[] },
    context: RequestContext,
  ): EcrRepository {
    const name = String(input.repositoryName ?? '');
    if (name.length < 2 || name.length > 256 || !NAME.test(name)) {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`,
      );
    }
    if (this.repositories.has(name))
      throw new AwsError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${name}' already exists in the registry with id '${context.accountId}'`,
      );
    const mutability = input.imageTagMutability ?? 'MUTABLE';
    if (mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE')
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'imageTagMutability': ${mutability} is not one of MUTABLE, IMMUTABLE.`,
      );
    const repository: EcrRepository = {
      name,
      arn: arn('ecr', context, `repository/${name}`),
      uri: `${context.accountId}.dkr.ecr.${context.region}.amazonaws.com/${name}`,
      registryId: context.accountId,
      created: new Date(),
      imageTagMutability: mutability,
      tags: Object.fromEntries((input.tags ?? []).map((t) => [t.Key, t.Value])),
    };
    this.repositories.set(name, repository);
    return repository;
  }

  /** A repository by name; ECR's error when there is none. */
  repository(name: string, context: Pick<RequestContext, 'accountId'>): EcrRepository {
    const repository = this.repositories.get(name);
    if (!repository)
      throw new AwsError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${context.accountId}'`,
      );
    return repository;
  }

  /** Checks a policy document is JSON, as ECR does before keeping it. */
  static checkPolicy(text: string, member: 'policyText' | 'lifecyclePolicyText'): string {
    try {
      JSON.parse(text);
    } catch {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at '${member}' failed to satisfy constraint: 'Invalid JSON syntax'`,
      );
    }
    return text;
  }

  private describe(r: EcrRepository): Repository {
    return {
      repositoryArn: r.arn,
      registryId: r.registryId,
      repositoryName: r.name,
      repositoryUri: r.uri,
      createdAt: r.created,
      imageTagMutability: r.imageTagMutability,
      imageScanningConfiguration: { scanOnPush: false },
      encryptionConfiguration: { encryptionType: 'AES256' },
    };
  }
}
