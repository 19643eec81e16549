import { CreateFunctionCommand, type CreateFunctionRequest, type LambdaClient } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';

/** A zip holding one CommonJS handler file, as a function package for tests. */
export function handlerZip(source: string, file = 'index.js'): Uint8Array {
  return zipSync({ [file]: strToU8(source) });
}

/** A role ARN for test functions (the local cloud checks its shape). */
export const TEST_ROLE = 'arn:aws:iam::000000000000:role/test-role';

/**
 * Creates a Node.js function whose index.js is `source` (handler `index.handler`, the test role),
 * with any other settings of CreateFunction in `extra`; returns its ARN.
 */
export async function createTestFunction(
  lambda: LambdaClient,
  FunctionName: string,
  source: string,
  extra: Partial<CreateFunctionRequest> = {},
): Promise<string> {
  const { FunctionArn } = await lambda.send(
    new CreateFunctionCommand({
      FunctionName,
      Runtime: 'nodejs22.x',
      Role: TEST_ROLE,
      Handler: 'index.handler',
      Code: { ZipFile: handlerZip(source) },
      ...extra,
    }),
  );
  return FunctionArn!;
}
