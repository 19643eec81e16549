import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { labFunction } from '../kit/cdk.ts';

const handler = (file: string) => new URL(`./functions/${file}`, import.meta.url).pathname;

/** Props of the ride services. */
export interface RideServicesProps {
  /** Starts every resource name. */
  prefix: string;
}

/**
 * Where Lab 1 starts: the Unicorn Management Service behind `POST /submit-ride-completion`,
 * storing rides in DynamoDB, and three subscriber services that receive nothing yet.
 */
export class RideServices extends Construct {
  readonly ridesTable: dynamodb.Table;
  readonly unicornManagement: NodejsFunction;
  readonly customerNotification: NodejsFunction;
  readonly customerAccounting: NodejsFunction;
  readonly extraordinaryRides: NodejsFunction;
  readonly api: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: RideServicesProps) {
    super(scope, id);
    const { prefix } = props;

    // The rides, by id.
    this.ridesTable = new dynamodb.Table(this, 'Rides', {
      tableName: `${prefix}-Rides`,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Stores a completed ride and answers 201 {"id": ...}.
    this.unicornManagement = labFunction(this, 'UnicornManagementService', {
      functionName: `${prefix}-UnicornManagementService`,
      entry: handler('unicorn-management.ts'),
      environment: { TABLE_NAME: this.ridesTable.tableName },
    });
    this.ridesTable.grantWriteData(this.unicornManagement);

    // The three services that should hear about every completed ride. Each records on the ride
    // what it did, so that a ride delivered twice is handled once.
    const subscriber = (id: string, file: string) => {
      const fn = labFunction(this, id, {
        functionName: `${prefix}-${id}`,
        entry: this.subscriberEntry(file),
        environment: { TABLE_NAME: this.ridesTable.tableName },
      });
      this.ridesTable.grantWriteData(fn);
      return fn;
    };
    this.customerNotification = subscriber('CustomerNotificationService', 'customer-notification.ts');
    this.customerAccounting = subscriber('CustomerAccountingService', 'customer-accounting.ts');
    this.extraordinaryRides = subscriber('ExtraordinaryRidesService', 'extraordinary-rides.ts');

    // POST /submit-ride-completion → Unicorn Management Service (Lambda proxy integration).
    this.api = new apigateway.RestApi(this, 'WildRydesApi', {
      restApiName: `${prefix}-wild-rydes`,
      cloudWatchRole: false,
      deployOptions: { stageName: 'prod' },
    });
    this.api.root.addResource('submit-ride-completion').addMethod('POST', new apigateway.LambdaIntegration(this.unicornManagement));

    // What the snippets and checkpoints need to find.
    new CfnOutput(scope, 'ApiUrl', { value: this.api.url });
    new CfnOutput(scope, 'SubmitRideUrl', { value: this.api.urlForPath('/submit-ride-completion') });
    new CfnOutput(scope, 'RidesTableName', { value: this.ridesTable.tableName });
    new CfnOutput(scope, 'UnicornManagementFunctionName', { value: this.unicornManagement.functionName });
    new CfnOutput(scope, 'CustomerNotificationFunctionName', { value: this.customerNotification.functionName });
    new CfnOutput(scope, 'CustomerAccountingFunctionName', { value: this.customerAccounting.functionName });
    new CfnOutput(scope, 'ExtraordinaryRidesFunctionName', { value: this.extraordinaryRides.functionName });
  }

  /**
   * The handler file of a subscriber service: here, functions that SNS invokes. A later lab
   * gives the same services other handlers by overriding this (same functions, new code).
   */
  protected subscriberEntry(file: string): string {
    return handler(file);
  }
}
