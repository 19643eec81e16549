import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientFor } from '../../labs/kit/clients.ts';
import type { Target } from '../../labs/kit/target.ts';
import { green, red, bold } from './print.ts';

/** Checks what the workshop needs on this machine and target, saying how to fix what is missing. */
export async function doctor(target: Target): Promise<boolean> {
  let ok = true;
  const line = (pass: boolean, text: string, fix?: string) => {
    ok &&= pass;
    console.log(`${pass ? green('✓') : red('✗')} ${text}${!pass && fix ? `\n    ${bold('fix:')} ${fix}` : ''}`);
  };
  const major = Number(process.versions.node.split('.')[0]);
  line(major >= 22, `Node.js ${process.versions.node} runs the workshop`, 'run it through npx workshop / npm scripts, which use the Node.js the project installs (npm install).');
  console.log(`  target: ${bold(target.kind)}${target.endpoint ? ` at ${target.endpoint}` : ''}, region ${target.region}, learner prefix ${bold(target.prefix)}`);
  try {
    const identity = await clientFor(STSClient, target).send(new GetCallerIdentityCommand({}));
    line(true, `The target answers (account ${identity.Account})`);
  } catch (error) {
    const refused = /ECONNREFUSED/.test(String((error as any).cause ?? (error as Error).message)) || (error as any).code === 'ECONNREFUSED';
    line(
      false,
      `The target does not answer: ${(error as Error).message}`,
      target.kind === 'local' && refused ? 'start the local cloud: npm start (everything) or npx workshop up (the cloud alone).' : 'check your credentials and region (aws configure) or the endpoint.',
    );
  }
  return ok;
}
