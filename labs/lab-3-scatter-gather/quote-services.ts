import { CfnOutput, CfnParameter, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { labFunction } from '../kit/cdk.ts';

const handler = (file: string) => new URL(`./functions/${file}`, import.meta.url).pathname;

/** The ten unicorn providers: UnicornManagementResource1..10. */
export const PROVIDER_NAMES = Array.from({ length: 10 }, (_, i) => `UnicornManagementResource${i + 1}`);

/** Where the providers' simulated behaviour is switched at run time (Parameter Store). */
export const simulationParameterName = (prefix: string) => `/wild-rydes/${prefix}/provider-simulation`;

/**
 * Where Lab 3 starts: `POST /submit-instant-ride-rfq` and the Request for Quotes Service, which
 * stores each request in RidesBooking; the ten unicorn providers, the Quotes Response Service,
 * the Quotes Query Service, the Quotes Aggregator and the Quote Notification Service exist but
 * are connected to nothing yet: the steps of the lab connect them.
 */
export class QuoteServices extends Construct {
  readonly table: dynamodb.Table;
  readonly api: apigateway.RestApi;
  readonly requestService: NodejsFunction;
  readonly providers: NodejsFunction[];
  readonly quotesResponseService: NodejsFunction;
  readonly queryService: NodejsFunction;
  readonly aggregator: NodejsFunction;
  readonly quoteNotification: NodejsFunction;

  constructor(scope: Construct, id: string, props: { prefix: string }) {
    super(scope, id);
    const { prefix } = props;

    // How long the simulated providers take: stack parameters, realistic on AWS (these defaults);
    // the workshop deploys seconds to the local cloud.
    const maxDelay = new CfnParameter(scope, 'ProviderMaxDelaySeconds', {
      type: 'Number',
      description: 'A provider answers after 0 to this many seconds (the delay of its answer message).',
      default: 10,
      minValue: 0,
      maxValue: 900,
    });
    const slowDelay = new CfnParameter(scope, 'SlowProviderDelaySeconds', {
      type: 'Number',
      description: 'How long a provider switched to "slow" takes to answer: by default, longer than the deadline.',
      default: 45,
      minValue: 0,
      maxValue: 900,
    });

    // Each request and its answers, under one partition key: the request's id. The request itself
    // has the sort key "-"; each answer, the name of the provider that gave it.
    this.table = new dynamodb.Table(this, 'RidesBooking', {
      tableName: `${prefix}-RidesBooking`,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'responder', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // The runtime switch of the providers' behaviour (JSON, provider → normal, slow, silent or declines).
    const simulation = new ssm.StringParameter(this, 'ProviderSimulation', {
      parameterName: simulationParameterName(prefix),
      description: 'Wild Rydes Lab 3: how the simulated unicorn providers behave, e.g. {"UnicornManagementResource3":"silent"}',
      stringValue: '{}',
    });

    // Stores a request for quotes and answers 201 {"rfq-id": ...}.
    this.requestService = labFunction(this, 'RequestForQuotesService', {
      functionName: `${prefix}-RequestForQuotesService`,
      entry: handler('request-for-quotes.ts'),
      environment: {
        TABLE_NAME: this.table.tableName,
        SIMULATION_PARAMETER: simulation.parameterName,
        PROVIDERS: PROVIDER_NAMES.join(','),
      },
    });
    this.table.grantWriteData(this.requestService);
    simulation.grantRead(this.requestService);

    // Ten providers, one function each, the same code: each knows its name and how slow it may be.
    this.providers = PROVIDER_NAMES.map((name) =>
      labFunction(this, name, {
        functionName: `${prefix}-${name}`,
        entry: handler('unicorn-provider.ts'),
        environment: { PROVIDER_NAME: name, MAX_DELAY_SECONDS: maxDelay.valueAsString, SLOW_DELAY_SECONDS: slowDelay.valueAsString },
      }),
    );

    // Stores the providers' answers (step 2 gives it its queue).
    this.quotesResponseService = labFunction(this, 'QuotesResponseService', {
      functionName: `${prefix}-QuotesResponseService`,
      entry: handler('quotes-response.ts'),
      environment: { TABLE_NAME: this.table.tableName },
    });
    this.table.grantReadWriteData(this.quotesResponseService);

    // Answers GET /query-instant-ride-rfq/{id} (step 3 gives it its route).
    this.queryService = labFunction(this, 'QuotesQueryService', {
      functionName: `${prefix}-QuotesQueryService`,
      entry: handler('quotes-query.ts'),
      environment: { TABLE_NAME: this.table.tableName },
    });
    this.table.grantReadData(this.queryService);

    // Closes each request once and picks its best quote (step 4 connects it, step 5 adds the deadline).
    this.aggregator = labFunction(this, 'QuotesAggregator', {
      functionName: `${prefix}-QuotesAggregator`,
      entry: handler('quotes-aggregator.ts'),
      environment: { TABLE_NAME: this.table.tableName },
    });
    this.table.grantReadWriteData(this.aggregator);

    // Tells the customer the outcome, once (step 4 subscribes it).
    this.quoteNotification = labFunction(this, 'QuoteNotificationService', {
      functionName: `${prefix}-QuoteNotificationService`,
      entry: handler('quote-notification.ts'),
      environment: { TABLE_NAME: this.table.tableName },
    });
    this.table.grantWriteData(this.quoteNotification);

    // POST /submit-instant-ride-rfq → Request for Quotes Service (Lambda proxy integration).
    this.api = new apigateway.RestApi(this, 'WildRydesRfqApi', {
      restApiName: `${prefix}-wild-rydes-rfq`,
      cloudWatchRole: false,
      deployOptions: { stageName: 'prod' },
    });
    this.api.root.addResource('submit-instant-ride-rfq').addMethod('POST', new apigateway.LambdaIntegration(this.requestService));

    // What the snippets and checkpoints need to find.
    new CfnOutput(scope, 'ApiUrl', { value: this.api.url });
    new CfnOutput(scope, 'SubmitRfqUrl', { value: this.api.urlForPath('/submit-instant-ride-rfq') });
    new CfnOutput(scope, 'RidesBookingTableName', { value: this.table.tableName });
    new CfnOutput(scope, 'SimulationParameterName', { value: simulation.parameterName });
    new CfnOutput(scope, 'RequestForQuotesFunctionName', { value: this.requestService.functionName });
    new CfnOutput(scope, 'ProviderFunctionNames', { value: PROVIDER_NAMES.map((name) => `${prefix}-${name}`).join(',') });
    new CfnOutput(scope, 'QuotesResponseFunctionName', { value: this.quotesResponseService.functionName });
    new CfnOutput(scope, 'QuotesQueryFunctionName', { value: this.queryService.functionName });
    new CfnOutput(scope, 'QuotesAggregatorFunctionName', { value: this.aggregator.functionName });
    new CfnOutput(scope, 'QuoteNotificationFunctionName', { value: this.quoteNotification.functionName });
  }
}
