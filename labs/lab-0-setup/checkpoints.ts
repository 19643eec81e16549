import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { type Checkpoint, check, cloudformation, labContext, probeId, sqs, sts } from '../kit/index.ts';

export const checkpoints: Checkpoint[] = [
  {
    id: 'node-version',
    step: 1,
    title: 'Node.js 22 or newer runs the workshop',
    hint: 'Run the workshop through npm start or npx workshop: they use the Node.js the project installs. Otherwise install Node.js 22 or newer.',
    async run() {
      const major = Number(process.versions.node.split('.')[0]);
      check(major >= 22, `Node.js ${process.versions.node} is too old.`);
      return `Node.js ${process.versions.node}`;
    },
  },
  {
    id: 'target-answers',
    step: 1,
    title: 'The target answers (STS GetCallerIdentity)',
    hint: 'Local: start the workshop (npm start) or the cloud alone (npx workshop up). AWS: configure credentials (aws configure or AWS_PROFILE) and a region.',
    async run() {
      const { target } = labContext();
      const identity = await sts().send(new GetCallerIdentityCommand({}));
      check(identity.Account, 'GetCallerIdentity returned no account.');
      return `${target.kind === 'aws' ? 'AWS' : target.endpoint}: account ${identity.Account} in ${target.region}`;
    },
  },
  {
    id: 'cdk-bootstrapped',
    step: 1,
    title: 'On AWS: the account is bootstrapped for the CDK (CDKToolkit stack)',
    hint: 'Bootstrap the account and region once: npx workshop bootstrap --target aws (it shows the account and region and asks first).',
    async run() {
      if (labContext().target.kind !== 'aws') return 'not needed locally: the deployer prepares the local cloud itself';
      try {
        const { Stacks = [] } = await cloudformation().send(new DescribeStacksCommand({ StackName: 'CDKToolkit' }));
        check(Stacks[0]?.StackStatus?.endsWith('_COMPLETE'), `CDKToolkit is ${Stacks[0]?.StackStatus}.`);
      } catch (error) {
        check(!(error as Error).message.includes('does not exist'), 'There is no CDKToolkit stack in this account and region.');
        throw error;
      }
    },
  },
  {
    id: 'hello-round-trip',
    step: 2,
    title: 'A message goes through a queue and back',
    hint: 'Run the hello-queue snippet and read its output: the target must let you create a queue, send, receive and delete.',
    async run() {
      const QueueName = probeId(`${labContext().target.prefix}-check`);
      const { QueueUrl } = await sqs().send(new CreateQueueCommand({ QueueName }));
      try {
        await sqs().send(new SendMessageCommand({ QueueUrl, MessageBody: QueueName }));
        const { Messages = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
        check(Messages[0]?.Body === QueueName, 'The message sent did not come back.');
      } finally {
        await sqs().send(new DeleteQueueCommand({ QueueUrl }));
      }
    },
  },
];
