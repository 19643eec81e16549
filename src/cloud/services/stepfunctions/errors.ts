import { AwsError } from '../../aws/errors.ts';

// Step Functions' API errors, with the codes and messages its SDK clients expect.

export const stateMachineDoesNotExist = (arn: string) => new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
export const executionDoesNotExist = (arn: string) => new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
export const invalidArn = (arn: string) => new AwsError('InvalidArn', `Invalid Arn: '${arn}'`);
export const invalidName = (name: string) => new AwsError('InvalidName', `Invalid Name: '${name}'`);
export const invalidDefinition = (message: string) => new AwsError('InvalidDefinition', `Invalid State Machine Definition: '${message}'`);
export const taskDoesNotExist = () => new AwsError('TaskDoesNotExist', 'Task Token Does Not Exist');
export const taskTimedOut = () => new AwsError('TaskTimedOut', 'Task Timed Out');
export const validation = (message: string) => new AwsError('ValidationException', message);

/**
 * An error a Task state fails with, as the state machine sees it: `name` is what Retry and Catch
 * match in ErrorEquals (e.g. `PaymentAuthException`, `DynamoDB.ConditionalCheckFailedException`,
 * `States.TaskFailed`), `message` is the Cause.
 */
export class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}
