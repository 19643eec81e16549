import { AwsError } from '../../../aws/errors.ts';
import { type ResourceProvider, tagList } from './provider.ts';

const TARGET_PROPERTIES = ['Id', 'Arn', 'Input', 'InputPath', 'InputTransformer', 'SqsParameters', 'RoleArn'];

/** AWS::Events::Rule with its targets (event-pattern rules). */
export const eventsRule: ResourceProvider = {
  properties: ['Name', 'EventPattern', 'State', 'Targets', 'EventBusName', 'Description', 'ScheduleExpression', 'RoleArn', 'Tags'],
  replaceOn: ['Name', 'EventBusName'],
  async create(props, context) {
    const eventBridge = context.services.eventBridge;
    for (const target of props.Targets ?? []) {
      const unknown = Object.keys(target).filter((key) => !TARGET_PROPERTIES.includes(key));
      if (unknown.length > 0)
        throw new AwsError(
          'ValidationError',
          `Target properties [${unknown.join(', ')}] are not supported by the local cloud (RetryPolicy and DeadLetterConfig among them).`,
        );
    }
    const rule = eventBridge.putRule(
      {
        Name: props.Name ?? context.generateName(64),
        EventPattern: props.EventPattern,
        State: props.State,
        Description: props.Description,
        ScheduleExpression: props.ScheduleExpression,
        EventBusName: props.EventBusName,
      },
      context,
    );
    rule.targets = [];
    rule.tags = { ...context.tags, ...tagList(props.Tags) };
    eventBridge.putTargets(rule, props.Targets ?? []);
    return { physicalId: rule.name, attributes: { Arn: rule.arn } };
  },
  async update(current, props, _previous, context) {
    const created = await eventsRule.create({ ...props, Name: current.physicalId }, context);
    return { physicalId: current.physicalId, attributes: created.attributes };
  },
  async delete(current, props, context) {
    const eventBridge = context.services.eventBridge;
    try {
      eventBridge.rule(current.physicalId, props.EventBusName, context).targets = [];
    } catch {
      return;
    }
    await eventBridge.actions.DeleteRule({ Name: current.physicalId, EventBusName: props.EventBusName }, context);
  },
};

/** AWS::Events::EventBus (custom buses). */
export const eventBus: ResourceProvider = {
  properties: ['Name', 'Description', 'Tags'],
  replaceOn: ['Name'],
  async create(props, context) {
    const { EventBusArn } = (await context.services.eventBridge.actions.CreateEventBus({ Name: props.Name }, context)) as {
      EventBusArn: string;
    };
    await eventBus.update!({ physicalId: props.Name }, props, {}, context);
    return { physicalId: props.Name, attributes: { Arn: EventBusArn, Name: props.Name } };
  },
  async update(current, props, _previous, context) {
    const bus = [...context.services.eventBridge.buses.values()].find(
      (b) => b.name === current.physicalId && b.arn.split(':')[3] === context.region,
    );
    if (bus) bus.tags = { ...context.tags, ...tagList(props.Tags) };
    return current;
  },
  async delete(current, _props, context) {
    await context.services.eventBridge.actions.DeleteEventBus({ Name: current.physicalId }, context);
  },
};
