import { send } from '../../gateway/respond.ts';
import { MiB, refill, type ServiceDefinition } from '../../service.ts';
import { invokeRestApi } from './invoke.ts';
import { ApiGatewayModel } from './model.ts';
import { apiGatewayRoutes } from './routes.ts';

declare module '../../services.ts' {
  interface CloudServices {
    apigateway: ApiGatewayModel;
  }
}

/** Amazon API Gateway: REST APIs with Lambda proxy integrations, invoked at their stage URLs. */
export const apigateway: ServiceDefinition = {
  build: ({ activity, delivery }) => {
    const model = new ApiGatewayModel();
    return {
      service: {
        name: 'apigateway',
        // A REST API's request payload is at most 10 MB (its invoke URLs are this service's too).
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
        maxBodyBytes: 11 * MiB,
        protocol: { kind: 'rest-json', title: 'API Gateway', routes: apiGatewayRoutes(model) },
        // A stage's invoke URL is called by anyone, unsigned, as on AWS.
        unsigned: {
          matches: (url) => url.startsWith('/restapis/') && url.includes('/_user_request_'),
          handle: async ({ req, res, region, body }) =>
            send(
              res,
              await invokeRestApi(model, delivery, activity, {
                method: req.method ?? 'GET',
                url: req.url ?? '/',
                headers: req.headers,
                body: await body(),
                region,
              }),
            ),
        },
        snapshot: () => ({ apis: model.apis, account: model.account }),
        restore: (saved) => {
          refill(model.apis, saved.apis);
          Object.assign(model.account, saved.account);
        },
        reset: () => {
          model.apis.clear();
          delete model.account.cloudwatchRoleArn;
        },
      },
      provides: { apigateway: model },
    };
  },
};
