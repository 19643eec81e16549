import { CfnOutput } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { labFunction } from '../kit/cdk.ts';

const handler = (file: string) => new URL(`./functions/${file}`, import.meta.url).pathname;

/**
 * Where Lab 4 starts: the payment services the saga coordinates. Each is a Lambda function that
 * does one thing and throws a named error when it cannot (see functions/payments.ts).
 */
export class FareServices extends Construct {
  readonly chargeFare: NodejsFunction;
  readonly creditCustomerAccount: NodejsFunction;
  readonly refundFare: NodejsFunction;

  constructor(scope: Construct, id: string, props: { prefix: string }) {
    super(scope, id);
    const service = (id: string, file: string) => {
      const fn = labFunction(this, id, { functionName: `${props.prefix}-${id}`, entry: handler(file) });
      new CfnOutput(scope, `${id}Name`, { value: fn.functionName });
      return fn;
    };
    // Charges the customer's card; throws PaymentAuthException or PaymentChargeException.
    this.chargeFare = service('ChargeFareFunction', 'charge-fare.ts');
    // Credits the customer's Wild Rydes account; throws AccountCreditException.
    this.creditCustomerAccount = service('CreditCustomerAccountFunction', 'credit-customer-account.ts');
    // Refunds a charge (the compensation of ChargeFare); throws PaymentRefundException.
    this.refundFare = service('RefundFareFunction', 'refund-fare.ts');
  }
}
