import { parseArn } from '../../aws/context.ts';
import { invalidDefinition } from './errors.ts';

/**
 * What a Task state's `Resource` calls. Service integrations are
 * `arn:aws:states:::<service>:<api>[.waitForTaskToken]`; a bare Lambda ARN invokes that function.
 */
export type TaskResource =
  | { kind: 'lambda-arn'; functionArn: string; pattern: 'request-response' }
  | { kind: 'integration'; service: IntegratedService; api: string; pattern: 'request-response' | 'callback' };

export type IntegratedService = 'lambda' | 'dynamodb' | 'sns' | 'sqs' | 'events';

/** The service integrations the local cloud runs, by service and API (AWS's lower-camel names). */
export const INTEGRATIONS: Record<IntegratedService, readonly string[]> = {
  lambda: ['invoke'],
  dynamodb: ['putItem', 'getItem', 'updateItem', 'deleteItem'],
  sns: ['publish'],
  sqs: ['sendMessage'],
  events: ['putEvents'],
};

const supported = () =>
  Object.entries(INTEGRATIONS)
    .flatMap(([service, apis]) => apis.map((api) => `arn:aws:states:::${service}:${api}`))
    .join(', ');

/** Parses a Task state's Resource, refusing by name what the local cloud cannot call. */
export function parseResource(resource: string, stateName: string): TaskResource {
  const parsed = parseArn(resource);
  if (!parsed) throw invalidDefinition(`Task state '${stateName}': Resource '${resource}' is not an ARN.`);
  if (parsed.service === 'lambda' && parsed.resource.startsWith('function:'))
    return { kind: 'lambda-arn', functionArn: resource, pattern: 'request-response' };
  if (parsed.service === 'states' && parsed.resource.startsWith('activity:')) {
    throw invalidDefinition(
      `Task state '${stateName}': activities (${resource}) are not supported by the local cloud; use a service integration or the AWS target.`,
    );
  }
  if (parsed.service !== 'states' || parsed.region !== '' || parsed.accountId !== '') {
    throw invalidDefinition(`Task state '${stateName}': Resource '${resource}' is not a Lambda function or a service integration.`);
  }
  const [service, apiWithPattern = ''] = parsed.resource.split(':');
  const [api, suffix] = apiWithPattern.split('.');
  if (suffix !== undefined && suffix !== 'waitForTaskToken') {
    throw invalidDefinition(
      `Task state '${stateName}': the .${suffix} integration pattern of ${resource} is not supported by the local cloud (it runs request-response and .waitForTaskToken).`,
    );
  }
  const apis = INTEGRATIONS[service as IntegratedService];
  if (!apis?.includes(api)) {
    throw invalidDefinition(
      `Task state '${stateName}': the local cloud does not run the integration ${resource}. It runs: ${supported()} (each also as .waitForTaskToken), and Lambda function ARNs.`,
    );
  }
  return { kind: 'integration', service: service as IntegratedService, api, pattern: suffix ? 'callback' : 'request-response' };
}
