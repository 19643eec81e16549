import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * The Lambda runtime of every lab function: the CDK's current Node.js constant, so the labs never
 * pin a runtime that AWS later retires (a test checks it is the newest the CDK knows).
 */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_LATEST;

/**
 * What every lab function shares: TypeScript bundled by esbuild into one CommonJS file, with
 * the AWS SDK left out because the Lambda runtime provides it.
 */
export const FUNCTION_DEFAULTS = {
  runtime: LAMBDA_RUNTIME,
  memorySize: 256,
  timeout: Duration.seconds(10),
  bundling: { externalModules: ['@aws-sdk/*'], minify: false, sourceMap: false, format: OutputFormat.CJS },
} satisfies Partial<NodejsFunctionProps>;
