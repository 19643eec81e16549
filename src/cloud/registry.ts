import type { ServiceDefinition } from './service.ts';
import { apigateway } from './services/apigateway/cloud-service.ts';
import { cloudformation } from './services/cloudformation/cloud-service.ts';
import { monitoring } from './services/cloudwatch/cloud-service.ts';
import { dynamodb } from './services/dynamodb/cloud-service.ts';
import { ecr } from './services/ecr/cloud-service.ts';
import { events } from './services/events/cloud-service.ts';
import { iam } from './services/iam/cloud-service.ts';
import { kinesis } from './services/kinesis/cloud-service.ts';
import { lambda } from './services/lambda/cloud-service.ts';
import { logs } from './services/logs/cloud-service.ts';
import { s3 } from './services/s3/cloud-service.ts';
import { sns } from './services/sns/cloud-service.ts';
import { sqs } from './services/sqs/cloud-service.ts';
import { ssm } from './services/ssm/cloud-service.ts';
import { states } from './services/stepfunctions/cloud-service.ts';
import { sts } from './services/sts/cloud-service.ts';
import { tagging } from './services/tagging/cloud-service.ts';

/**
 * Every service of the local cloud, one line each. They are built in this order (a service may
 * use those above it while building), and reset and stopped in the reverse order (CloudFormation
 * first, while the services it creates resources in still run). The gateway's routes, the health
 * list, identification of unsigned requests and the state file all come from this list.
 */
export const SERVICES: ServiceDefinition[] = [
  sts,
  iam,
  logs,
  ssm,
  sqs,
  s3,
  ecr,
  dynamodb,
  kinesis,
  lambda,
  sns,
  events,
  states,
  monitoring,
  apigateway,
  tagging,
  cloudformation,
];
