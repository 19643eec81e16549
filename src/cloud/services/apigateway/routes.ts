import type { RestRoute } from '../../aws/http.ts';
import type { ApiGatewayModel, RestApi } from './model.ts';

const describeApi = (api: RestApi) => ({
  id: api.id,
  name: api.name,
  description: api.description,
  createdDate: api.createdDate,
  rootResourceId: api.rootResourceId,
  tags: api.tags,
});

/** The read side of the API Gateway management API, so tools and checkpoints can inspect REST APIs. */
export function apiGatewayRoutes(model: ApiGatewayModel): RestRoute[] {
  return [
    {
      method: 'GET',
      path: '/account',
      action: 'GetAccount',
      // AWS's default account throttle; the local cloud does not throttle.
      handler: () => ({
        body: {
          cloudwatchRoleArn: model.account.cloudwatchRoleArn,
          throttleSettings: { burstLimit: 5000, rateLimit: 10000 },
          features: [],
          apiKeyVersion: '4',
        },
      }),
    },
    {
      method: 'GET',
      path: '/restapis',
      action: 'GetRestApis',
      handler: () => ({ body: { item: [...model.apis.values()].map(describeApi) } }),
    },
    {
      method: 'GET',
      path: '/restapis/{restapi_id}',
      action: 'GetRestApi',
      handler: (r) => ({ body: describeApi(model.api(r.params.restapi_id)) }),
    },
    {
      method: 'GET',
      path: '/restapis/{restapi_id}/resources',
      action: 'GetResources',
      handler: (r) => ({
        body: {
          item: [...model.api(r.params.restapi_id).resources.values()].map((res) => ({
            id: res.id,
            parentId: res.parentId,
            pathPart: res.pathPart,
            path: res.path,
            resourceMethods: Object.fromEntries([...res.methods.keys()].map((m) => [m, {}])),
          })),
        },
      }),
    },
    {
      method: 'GET',
      path: '/restapis/{restapi_id}/stages',
      action: 'GetStages',
      handler: (r) => ({
        body: {
          item: [...model.api(r.params.restapi_id).stages.values()].map((s) => ({
            stageName: s.name,
            deploymentId: s.deploymentId,
            variables: s.variables,
            createdDate: s.createdDate,
          })),
        },
      }),
    },
  ];
}
