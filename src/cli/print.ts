import type { EngineEvent } from '../engine/events.ts';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
export const green = paint('32');
export const red = paint('31');
export const dim = paint('2');
export const bold = paint('1');

/** Prints engine events for a terminal: progress as it happens, then outputs or the error. */
export function terminalReporter(write: (line: string) => void = (line) => console.log(line)) {
  return (event: EngineEvent) => {
    switch (event.type) {
      case 'progress':
        write(dim(event.message));
        break;
      case 'resource': {
        const failed = event.status.endsWith('FAILED');
        const mark = failed ? red('✗') : event.status.endsWith('COMPLETE') ? green('✓') : dim('…');
        write(
          `  ${mark} ${event.logicalId.padEnd(44)} ${dim(event.resourceType.padEnd(28))} ${failed ? red(event.status) : event.status}${event.reason && failed ? `\n      ${red(event.reason)}` : ''}`,
        );
        break;
      }
      case 'output':
        write(event.line);
        break;
      case 'checkpoint':
        write(
          `${event.ok ? green('✓') : red('✗')} ${bold(`[step ${event.step}]`)} ${event.title}${event.detail ? dim(` — ${event.detail}`) : ''}`,
        );
        if (!event.ok) write(`    ${bold('hint:')} ${event.hint}`);
        break;
      case 'done':
        if (event.passed !== undefined)
          write(
            `\n${event.ok ? green('All checkpoints pass') : red('Some checkpoints fail')}: ${event.passed}/${event.total} in ${event.durationMs} ms`,
          );
        if (event.outputs && Object.keys(event.outputs).length > 0) {
          write(bold('\nOutputs'));
          for (const [key, value] of Object.entries(event.outputs))
            write(
              `  ${key} = ${value}${event.localUrls?.[key] ? dim(`\n  ${' '.repeat(key.length)}   (local: ${event.localUrls[key]})`) : ''}`,
            );
        }
        if (event.error) write(`${red('Error')} ${dim(`(${event.error.code})`)}: ${event.error.message}`);
        else if (event.passed === undefined) write(green(`Done in ${event.durationMs} ms`));
        break;
    }
  };
}
