import { AwsError } from '../../../aws/errors.ts';
import { EcrService } from '../../ecr/service.ts';
import { type ResourceProvider, tagList } from './provider.ts';

const doc = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * AWS::ECR::Repository, in the local ECR (repositories without images: see its LIMITATIONS).
 * The CDK's bootstrap stack makes one for container image assets.
 */
export const ecrRepository: ResourceProvider = {
  properties: ['RepositoryName', 'ImageTagMutability', 'LifecyclePolicy', 'RepositoryPolicyText', 'Tags', 'EmptyOnDelete'],
  replaceOn: ['RepositoryName'],
  async create(props, context) {
    const ecr = context.services.ecr;
    const repository = ecr.create(
      {
        repositoryName: props.RepositoryName ?? context.generateName(256, { lowercase: true }),
        imageTagMutability: props.ImageTagMutability,
      },
      context,
    );
    try {
      return await ecrRepository.update!({ physicalId: repository.name }, props, {}, context);
    } catch (error) {
      ecr.repositories.delete(repository.name);
      throw error;
    }
  },
  async update(current, props, _previous, context) {
    const repository = context.services.ecr.repository(current.physicalId, context);
    const lifecycle = props.LifecyclePolicy ?? {};
    const unknown = Object.keys(lifecycle).filter((key) => key !== 'LifecyclePolicyText' && key !== 'RegistryId');
    if (unknown.length > 0)
      throw new AwsError(
        'ValidationError',
        `Properties [LifecyclePolicy.${unknown.join(', LifecyclePolicy.')}] of AWS::ECR::Repository are not supported by the local cloud.`,
      );
    repository.imageTagMutability = props.ImageTagMutability ?? 'MUTABLE';
    repository.lifecyclePolicyText =
      lifecycle.LifecyclePolicyText === undefined
        ? undefined
        : EcrService.checkPolicy(doc(lifecycle.LifecyclePolicyText), 'lifecyclePolicyText');
    repository.policyText =
      props.RepositoryPolicyText === undefined ? undefined : EcrService.checkPolicy(doc(props.RepositoryPolicyText), 'policyText');
    repository.tags = { ...context.tags, ...tagList(props.Tags) };
    return { physicalId: repository.name, attributes: { Arn: repository.arn, RepositoryUri: repository.uri } };
  },
  async delete(current, _props, context) {
    // No repository holds images locally, so EmptyOnDelete has nothing to empty.
    context.services.ecr.repositories.delete(current.physicalId);
  },
};
