import Head from '@docusaurus/Head';
import Dashboard from '@site/src/components/class/Dashboard';
import Layout from '@theme/Layout';

/** The instructor's class dashboard: opened with the address `npx workshop class start` prints. */
export default function ClassPage() {
  return (
    <Layout title="Class dashboard" description="The instructor's live view of a class: checkpoints, who is stuck, pacing, preflight.">
      <Head>
        <meta name="robots" content="noindex" />
      </Head>
      <main className="container container--fluid">
        <Dashboard />
      </main>
    </Layout>
  );
}
