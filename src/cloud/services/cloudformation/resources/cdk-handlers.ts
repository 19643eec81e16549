/**
 * The CDK's own handler functions that the local cloud replaces with a native model of what they
 * do. Each is recognised exactly (description, handler, runtime and the code's own markers), so
 * no other function in an unsupported runtime is accepted silently.
 */
const NATIVE_MODELS = [
  {
    // BucketNotificationsHandler…: an inline Python function behind Custom::S3BucketNotifications.
    resourceType: 'Custom::S3BucketNotifications',
    description: 'AWS CloudFormation handler for "Custom::S3BucketNotifications" resources (@aws-cdk/aws-s3)',
    handler: 'index.handler',
    runtime: /^python3\.\d+$/,
    markers: ['put_bucket_notification_configuration', 'def handler(event'],
  },
];

/** The custom resource type whose CDK handler these function properties are, if they are one. */
export function nativelyModelledHandler(props: Record<string, any>): string | undefined {
  const code = props.Code?.ZipFile;
  const model = NATIVE_MODELS.find(
    (m) =>
      props.Description === m.description &&
      props.Handler === m.handler &&
      m.runtime.test(String(props.Runtime)) &&
      typeof code === 'string' &&
      m.markers.every((marker) => code.includes(marker)),
  );
  return model?.resourceType;
}
