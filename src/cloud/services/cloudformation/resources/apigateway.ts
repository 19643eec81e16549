import { AwsError } from '../../../aws/errors.ts';
import { type ResourceProvider, tagList } from './provider.ts';

/** AWS::ApiGateway::RestApi (REGIONAL or EDGE endpoints behave the same locally). */
export const restApi: ResourceProvider = {
  properties: ['Name', 'Description', 'EndpointConfiguration', 'Tags', 'BinaryMediaTypes', 'DisableExecuteApiEndpoint'],
  async create(props, context) {
    const api = context.services.apigateway.createRestApi({
      name: props.Name ?? context.logicalId,
      description: props.Description,
      tags: { ...context.tags, ...tagList(props.Tags) },
    });
    return { physicalId: api.id, attributes: { RestApiId: api.id, RootResourceId: api.rootResourceId } };
  },
  async update(current, props, _previous, context) {
    const api = context.services.apigateway.api(current.physicalId);
    api.name = props.Name ?? api.name;
    api.description = props.Description;
    return current;
  },
  async delete(current, _props, context) {
    if (context.services.apigateway.apis.has(current.physicalId)) context.services.apigateway.deleteRestApi(current.physicalId);
  },
};

/** AWS::ApiGateway::Resource: one path part under a parent. */
export const apiResource: ResourceProvider = {
  properties: ['ParentId', 'PathPart', 'RestApiId'],
  replaceOn: ['ParentId', 'PathPart', 'RestApiId'],
  async create(props, context) {
    const resource = context.services.apigateway.createResource(props.RestApiId, props.ParentId, props.PathPart);
    return { physicalId: resource.id, attributes: { ResourceId: resource.id } };
  },
  async delete(current, props, context) {
    const api = context.services.apigateway.apis.get(props.RestApiId);
    if (api?.resources.has(current.physicalId)) context.services.apigateway.deleteResource(props.RestApiId, current.physicalId);
  },
};

/** AWS::ApiGateway::Method with its integration (Lambda proxy or MOCK). */
export const apiMethod: ResourceProvider = {
  properties: [
    'HttpMethod',
    'ResourceId',
    'RestApiId',
    'AuthorizationType',
    'Integration',
    'MethodResponses',
    'ApiKeyRequired',
    'RequestParameters',
    'OperationName',
    'AuthorizerId',
    'RequestModels',
  ],
  replaceOn: ['HttpMethod', 'ResourceId', 'RestApiId'],
  async create(props, context) {
    const authorization = props.AuthorizationType ?? 'NONE';
    if (authorization !== 'NONE')
      throw new AwsError(
        'ValidationError',
        `The local cloud serves unauthenticated methods only; AuthorizationType ${authorization} is not supported.`,
      );
    if (props.AuthorizerId || String(props.ApiKeyRequired) === 'true')
      throw new AwsError('ValidationError', 'The local cloud has no authorizers or API keys.');
    for (const name of ['RequestParameters', 'RequestModels'] as const) {
      if (props[name] && Object.keys(props[name]).length > 0)
        throw new AwsError(
          'ValidationError',
          `The local cloud does not validate or map requests: ${name} on AWS::ApiGateway::Method is not supported.`,
        );
    }
    const integration = props.Integration && {
      type: props.Integration.Type,
      httpMethod: props.Integration.IntegrationHttpMethod,
      uri: props.Integration.Uri,
    };
    context.services.apigateway.putMethod(props.RestApiId, props.ResourceId, {
      httpMethod: props.HttpMethod,
      authorizationType: authorization,
      integration,
    });
    return { physicalId: `${props.ResourceId}-${String(props.HttpMethod).toUpperCase()}` };
  },
  async update(current, props, _previous, context) {
    await apiMethod.create(props, context);
    return current;
  },
  async delete(_current, props, context) {
    const api = context.services.apigateway.apis.get(props.RestApiId);
    if (api?.resources.has(props.ResourceId)) context.services.apigateway.deleteMethod(props.RestApiId, props.ResourceId, props.HttpMethod);
  },
};

/** AWS::ApiGateway::Deployment: a snapshot of the API. Any change makes a new one, as on AWS. */
export const apiDeployment: ResourceProvider = {
  properties: ['RestApiId', 'Description', 'StageName'],
  replaceAlways: true,
  async create(props, context) {
    const deployment = context.services.apigateway.createDeployment(props.RestApiId, props.Description);
    if (props.StageName) context.services.apigateway.putStage(props.RestApiId, props.StageName, deployment.id);
    return { physicalId: deployment.id, attributes: { DeploymentId: deployment.id } };
  },
  async delete(current, props, context) {
    const api = context.services.apigateway.apis.get(props.RestApiId);
    if (!api) return;
    if (props.StageName && api.stages.get(props.StageName)?.deploymentId === current.physicalId) api.stages.delete(props.StageName);
    if (api.deployments.has(current.physicalId)) context.services.apigateway.deleteDeployment(props.RestApiId, current.physicalId);
  },
};

/** AWS::ApiGateway::Stage: a name pointing at a deployment. */
export const apiStage: ResourceProvider = {
  properties: ['RestApiId', 'DeploymentId', 'StageName', 'Variables', 'Description', 'Tags', 'MethodSettings', 'TracingEnabled'],
  replaceOn: ['RestApiId', 'StageName'],
  async create(props, context) {
    if (String(props.TracingEnabled) === 'true')
      throw new AwsError('ValidationError', 'The local cloud has no X-Ray tracing for API Gateway stages.');
    if (Array.isArray(props.MethodSettings) && props.MethodSettings.length > 0)
      throw new AwsError('ValidationError', 'The local cloud does not throttle, cache or log API stages: MethodSettings is not supported.');
    const stage = context.services.apigateway.putStage(props.RestApiId, props.StageName, props.DeploymentId, props.Variables);
    stage.tags = { ...context.tags, ...tagList(props.Tags) };
    return { physicalId: stage.name };
  },
  async update(current, props, _previous, context) {
    context.services.apigateway.putStage(props.RestApiId, props.StageName, props.DeploymentId, props.Variables).tags = {
      ...context.tags,
      ...tagList(props.Tags),
    };
    return current;
  },
  async delete(current, props, context) {
    const api = context.services.apigateway.apis.get(props.RestApiId);
    if (api?.stages.has(current.physicalId)) context.services.apigateway.deleteStage(props.RestApiId, current.physicalId);
  },
};

/**
 * AWS::ApiGateway::Account: the account-wide role API Gateway writes CloudWatch logs with (the
 * CDK's RestApi creates it unless cloudWatchRole is false). The local cloud logs nothing for
 * API stages, but GetAccount shows the role, as on AWS.
 */
export const apiAccount: ResourceProvider = {
  properties: ['CloudWatchRoleArn'],
  async create(props, context) {
    await apiAccount.update!({ physicalId: '' }, props, {}, context);
    return { physicalId: context.generateName(64) };
  },
  async update(current, props, _previous, context) {
    const roleArn = props.CloudWatchRoleArn === undefined ? undefined : String(props.CloudWatchRoleArn);
    if (roleArn !== undefined && !context.services.iam.roles.has(roleArn.split('/').pop()!)) {
      throw new AwsError('BadRequestException', 'The role ARN does not have required permissions set to API Gateway');
    }
    context.services.apigateway.account.cloudwatchRoleArn = roleArn;
    return current;
  },
  async delete(_current, props, context) {
    // The role it names usually goes with the same stack; leaving the setting would point at nothing.
    if (context.services.apigateway.account.cloudwatchRoleArn === props.CloudWatchRoleArn)
      context.services.apigateway.account.cloudwatchRoleArn = undefined;
  },
};
