import { AwsError } from '../../aws/errors.ts';

/** CloudFormation's validation error: a template or parameter problem found before any resource is touched. */
export const validationError = (message: string) => new AwsError('ValidationError', message, 400);

/** Refuses a DeploymentConfig.Mode other than STANDARD (what every stack operation does here). */
export function requireStandardMode(input: { DeploymentConfig?: { Mode?: string } }): void {
  const mode = input.DeploymentConfig?.Mode;
  if (mode !== undefined && mode !== '' && mode !== 'STANDARD')
    throw validationError(`The local cloud runs stack operations in STANDARD mode only (DeploymentConfig.Mode ${mode}).`);
}

/** A resource that failed, with the reason CloudFormation shows in the stack events. */
export class ResourceFailure extends Error {
  override name = 'ResourceFailure';
  constructor(
    readonly logicalId: string,
    readonly resourceType: string,
    reason: string,
  ) {
    super(reason);
  }
}
