import { resourcePolicyAllows } from '../../shared/resource-policy.ts';

/**
 * Whether a topic's access policy lets an AWS service (e.g. events.amazonaws.com) publish to it
 * on behalf of `sourceArn`. On AWS an EventBridge rule cannot publish to a topic whose policy does
 * not allow it (the default policy only admits principals of the owning account), and the event
 * is dropped: that is why the CDK adds an AWS::SNS::TopicPolicy for an SnsTopic target.
 */
export function topicPolicyAllows(policyText: string | undefined, topicArn: string, service: string, sourceArn: string): boolean {
  return resourcePolicyAllows(policyText, { service, action: 'sns:Publish', resourceArn: topicArn, sourceArn });
}
