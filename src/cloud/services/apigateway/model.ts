import { randomBytes } from 'node:crypto';
import { AwsError } from '../../aws/errors.ts';

export interface Integration {
  type: string;
  httpMethod?: string;
  uri?: string;
}

export interface Method {
  httpMethod: string;
  authorizationType: string;
  integration?: Integration;
}

export interface Resource {
  id: string;
  parentId?: string;
  pathPart?: string;
  path: string;
  methods: Map<string, Method>;
}

/** What a deployment froze: a stage serves the API as it was when it was deployed, as on AWS. */
export interface Deployment {
  id: string;
  description?: string;
  createdDate: Date;
  resources: Resource[];
}

export interface Stage {
  name: string;
  deploymentId: string;
  variables: Record<string, string>;
  createdDate: Date;
  /** Tags (set through CloudFormation), which the Resource Groups Tagging API lists. */
  tags?: Record<string, string>;
}

export interface RestApi {
  id: string;
  name: string;
  description?: string;
  createdDate: Date;
  rootResourceId: string;
  resources: Map<string, Resource>;
  deployments: Map<string, Deployment>;
  stages: Map<string, Stage>;
  tags: Record<string, string>;
}

const id = (length = 10) => randomBytes(length).toString('hex').slice(0, length).toLowerCase();
export const notFound = (message = 'Invalid API identifier specified') => new AwsError('NotFoundException', message, 404);

/** The REST APIs of API Gateway (v1): resources, methods, integrations, deployments, stages. */
export class ApiGatewayModel {
  readonly apis = new Map<string, RestApi>();
  /** The account-wide settings (GetAccount): the role API Gateway writes CloudWatch logs with. */
  readonly account: { cloudwatchRoleArn?: string } = {};

  createRestApi(input: { name: string; description?: string; tags?: Record<string, string> }): RestApi {
    if (!input.name) throw new AwsError('BadRequestException', 'Invalid REST API name specified');
    const rootId = id();
    const api: RestApi = {
      id: id(),
      name: input.name,
      description: input.description,
      createdDate: new Date(),
      rootResourceId: rootId,
      resources: new Map([[rootId, { id: rootId, path: '/', methods: new Map() }]]),
      deployments: new Map(),
      stages: new Map(),
      tags: input.tags ?? {},
    };
    this.apis.set(api.id, api);
    return api;
  }

  api(apiId: string): RestApi {
    const api = this.apis.get(apiId);
    if (!api) throw notFound();
    return api;
  }

  deleteRestApi(apiId: string): void {
    this.api(apiId);
    this.apis.delete(apiId);
  }

  createResource(apiId: string, parentId: string, pathPart: string): Resource {
    const api = this.api(apiId);
    const parent = api.resources.get(parentId);
    if (!parent) throw notFound('Invalid Resource identifier specified');
    if (!/^(\{[\w-]+\+?\}|[\w.:-]+)$/.test(pathPart))
      throw new AwsError(
        'BadRequestException',
        `Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace (got ${pathPart}).`,
      );
    const path = `${parent.path === '/' ? '' : parent.path}/${pathPart}`;
    if ([...api.resources.values()].some((r) => r.path === path))
      throw new AwsError('ConflictException', `Another resource with the same parent already has this name: ${pathPart}`, 409);
    const resource: Resource = { id: id(), parentId, pathPart, path, methods: new Map() };
    api.resources.set(resource.id, resource);
    return resource;
  }

  resource(apiId: string, resourceId: string): Resource {
    const resource = this.api(apiId).resources.get(resourceId);
    if (!resource) throw notFound('Invalid Resource identifier specified');
    return resource;
  }

  deleteResource(apiId: string, resourceId: string): void {
    const api = this.api(apiId);
    const resource = this.resource(apiId, resourceId);
    for (const other of [...api.resources.values()]) if (other.path.startsWith(`${resource.path}/`)) api.resources.delete(other.id);
    api.resources.delete(resourceId);
  }

  putMethod(apiId: string, resourceId: string, method: Method): Method {
    const httpMethod = method.httpMethod.toUpperCase();
    if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'].includes(httpMethod))
      throw new AwsError('BadRequestException', `Invalid HttpMethod specified: ${method.httpMethod}`);
    if (method.integration && !['AWS_PROXY', 'MOCK'].includes(method.integration.type)) {
      throw new AwsError(
        'BadRequestException',
        `The local cloud supports AWS_PROXY (Lambda proxy) and MOCK integrations; ${method.integration.type} is not supported.`,
      );
    }
    const stored = { ...method, httpMethod };
    this.resource(apiId, resourceId).methods.set(httpMethod, stored);
    return stored;
  }

  deleteMethod(apiId: string, resourceId: string, httpMethod: string): void {
    this.resource(apiId, resourceId).methods.delete(httpMethod.toUpperCase());
  }

  createDeployment(apiId: string, description?: string): Deployment {
    const api = this.api(apiId);
    if (![...api.resources.values()].some((r) => r.methods.size > 0))
      throw new AwsError('BadRequestException', "The REST API doesn't contain any methods");
    const deployment: Deployment = {
      id: id(),
      description,
      createdDate: new Date(),
      resources: [...api.resources.values()].map((r) => ({
        ...r,
        methods: new Map([...r.methods].map(([k, m]) => [k, structuredClone(m)])),
      })),
    };
    api.deployments.set(deployment.id, deployment);
    return deployment;
  }

  deleteDeployment(apiId: string, deploymentId: string): void {
    const api = this.api(apiId);
    if ([...api.stages.values()].some((s) => s.deploymentId === deploymentId)) {
      throw new AwsError('BadRequestException', 'Active stages pointing to this deployment must be moved or deleted');
    }
    api.deployments.delete(deploymentId);
  }

  putStage(apiId: string, name: string, deploymentId: string, variables: Record<string, string> = {}): Stage {
    const api = this.api(apiId);
    if (!api.deployments.has(deploymentId)) throw notFound('Invalid Deployment identifier specified');
    if (!/^[\w-]{1,128}$/.test(name)) throw new AwsError('BadRequestException', 'Stage name only allows a-zA-Z0-9_-');
    const stage: Stage = { name, deploymentId, variables, createdDate: api.stages.get(name)?.createdDate ?? new Date() };
    api.stages.set(name, stage);
    return stage;
  }

  deleteStage(apiId: string, name: string): void {
    if (!this.api(apiId).stages.delete(name)) throw notFound('Invalid Stage identifier specified');
  }
}
