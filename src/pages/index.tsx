import Link from '@docusaurus/Link';
import ClassJoin from '@site/src/components/ClassJoin';
import CliCommand from '@site/src/components/CliCommand';
import ContinueReading from '@site/src/components/ContinueReading';
import LabCards from '@site/src/components/LabCards';
import Layout from '@theme/Layout';
import styles from './index.module.css';

/** The home page: what the workshop is, the labs, how to start. */
export default function Home() {
  return (
    <Layout
      title="Asynchronous messaging on AWS, hands-on"
      description="Labs on SNS, SQS, Lambda, Step Functions, EventBridge and Kinesis that run with or without an AWS account."
    >
      <header className={styles.hero}>
        <div className="container">
          <h1>Wild Rydes: asynchronous messaging on AWS</h1>
          <p className={styles.lead}>
            Build the messaging backbone of a unicorn ride-sharing company, one pattern at a time: fan-out, queues, scatter-gather, sagas
            and streams. Every lab is a real CDK stack you deploy, and checkpoints tell you whether it works.
          </p>
          <div className={styles.buttons}>
            <Link className="button button--primary button--lg" to="/lab-0-setup">
              Start with Lab 0
            </Link>
            <Link className="button button--secondary button--lg" to="/intro">
              How the workshop works
            </Link>
          </div>
        </div>
      </header>
      <main className="container">
        <ContinueReading />
        <LabCards />
        <h2>No AWS account needed</h2>
        <p>
          The labs run against an embedded local cloud that speaks the AWS APIs they use. The same stacks deploy unchanged to your AWS
          account with <code>--target aws</code>.
        </p>
        <CliCommand command={'npm install\nnpm start'} />
        <h2>In a class?</h2>
        <p>
          Join your instructor's class with the address and code they give you: your checkpoint results appear on their dashboard, and
          nothing else changes for you. Instructors start a class with <code>npx workshop class start</code>, which prints the address of
          the <Link to="/class">class dashboard</Link>.
        </p>
        <ClassJoin />
      </main>
    </Layout>
  );
}
