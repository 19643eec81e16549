import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * The Lambda runtime of every lab function: the CDK's current Node.js constant, so the labs never
 * pin a runtime that AWS later retires (a test checks it is the newest the CDK knows).
 */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_LATEST;

const BUNDLING = { externalModules: ['@aws-sdk/*'], minify: false, sourceMap: false, format: OutputFormat.CJS };

/**
 * What every lab function shares: TypeScript bundled by esbuild into one CommonJS file, with
 * the AWS SDK left out because the Lambda runtime provides it.
 */
export const FUNCTION_DEFAULTS = {
  runtime: LAMBDA_RUNTIME,
  memorySize: 256,
  timeout: Duration.seconds(10),
  bundling: BUNDLING,
} satisfies Partial<NodejsFunctionProps>;

/** Relative module specifiers a TypeScript source imports or re-exports (`./x.ts`, `../y.ts`). */
const RELATIVE_IMPORT = /\b(?:from|import)\s*\(?\s*['"](\.\.?\/[^'"]+)['"]/g;

/** The handler file and every file it reaches through relative imports, sorted. */
export function handlerSources(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) visit(resolve(dirname(file), specifier));
  };
  visit(resolve(entry));
  return [...seen].sort();
}

/**
 * A hash of a handler's sources: the files it is bundled from (its own and those it imports,
 * in this lab or another) and the bundling settings. Without it the CDK bundles every function
 * on every synth to hash the output; with it, an unchanged function is not bundled again, which
 * keeps redeploys quick.
 */
export function sourceHash(entry: string): string {
  const hash = createHash('sha256').update(JSON.stringify(BUNDLING)).update(LAMBDA_RUNTIME.name);
  for (const file of handlerSources(entry)) hash.update(basename(file)).update(readFileSync(file));
  return hash.update(entry).digest('hex');
}

/** How long lab functions' logs are kept: long enough for a session, short enough to cost nothing. */
export const LOG_RETENTION = logs.RetentionDays.ONE_WEEK;

/**
 * A lab function: its handler file (TypeScript), bundled with the shared settings, and its own
 * log group in the stack. Without one, Lambda creates `/aws/lambda/<name>` on the first
 * invocation, outside the stack, and it outlives `destroy` on AWS.
 */
export function labFunction(
  scope: Construct,
  id: string,
  props: Omit<NodejsFunctionProps, 'bundling' | 'runtime' | 'logGroup'> & { entry: string; functionName: string },
): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    logGroupName: `/aws/lambda/${props.functionName}`,
    retention: LOG_RETENTION,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return new NodejsFunction(scope, id, {
    ...FUNCTION_DEFAULTS,
    ...props,
    logGroup,
    bundling: { ...BUNDLING, assetHash: sourceHash(props.entry) },
  });
}
