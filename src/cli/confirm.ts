import { createInterface } from 'node:readline/promises';

/**
 * How the CLI confirms billable work: `--yes` answers for scripts; otherwise the user is asked on
 * the terminal. Without a terminal and without --yes the answer is no: never create by default.
 */
export function terminalConfirm(yes: boolean): (question: string) => Promise<boolean> {
  return async (question) => {
    if (yes) return true;
    if (!process.stdin.isTTY) return false;
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    try {
      const answer = await prompt.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      prompt.close();
    }
  };
}
