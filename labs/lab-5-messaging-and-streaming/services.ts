import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { labFunction } from '../kit/cdk.ts';

const handler = (file: string) => new URL(`./functions/${file}`, import.meta.url).pathname;

/**
 * Where Lab 5 starts: the services that will read ride events and unicorn telemetry, each with
 * its table, and nothing that feeds them yet.
 *
 * - the Ride Ledger Service keeps each ride's status from its events;
 * - the Unicorn Distance Service adds up how far each unicorn went;
 * - the Unicorn Locator keeps where each unicorn was last seen;
 * - the Unicorn Distance Replay is the distance service again, with a table of its own, to
 *   rebuild the distances from the start of the stream.
 */
export class WildRydesServices extends Construct {
  readonly rideLedger: NodejsFunction;
  readonly unicornDistance: NodejsFunction;
  readonly unicornLocator: NodejsFunction;
  readonly unicornDistanceReplay: NodejsFunction;

  constructor(scope: Construct, id: string, props: { prefix: string }) {
    super(scope, id);
    const { prefix } = props;

    /** A table keyed by one string attribute, and a function that may read and write it. */
    const service = (name: string, tableName: string, key: string, file: string) => {
      const table = new dynamodb.Table(this, `${tableName}Table`, {
        tableName: `${prefix}-${tableName}`,
        partitionKey: { name: key, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const fn = labFunction(this, name, {
        functionName: `${prefix}-${name}`,
        entry: handler(file),
        environment: { TABLE_NAME: table.tableName },
      });
      table.grantReadWriteData(fn);
      new CfnOutput(scope, `${tableName}TableName`, { value: table.tableName });
      new CfnOutput(scope, `${name}FunctionName`, { value: fn.functionName });
      return fn;
    };
    this.rideLedger = service('RideLedgerService', 'RideLedger', 'rideId', 'ride-ledger.ts');
    this.unicornDistance = service('UnicornDistanceService', 'UnicornDistance', 'unicorn', 'unicorn-distance.ts');
    this.unicornLocator = service('UnicornLocator', 'UnicornLocations', 'unicorn', 'unicorn-locator.ts');
    this.unicornDistanceReplay = service('UnicornDistanceReplay', 'UnicornDistanceReplay', 'unicorn', 'unicorn-distance.ts');
  }
}
