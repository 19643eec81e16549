import { FilterLogEventsCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import { logs } from './clients.ts';

/** The log group AWS Lambda writes a function's output to. */
export function logGroupOf(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/**
 * Log lines of a function that contain `text`, written since `sinceMs`. A function that never ran
 * has no log group yet: that is no lines, not an error.
 */
export async function functionLogLines(functionName: string, text: string, sinceMs = Date.now() - 15 * 60_000): Promise<string[]> {
  const lines: string[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await logs().send(
        new FilterLogEventsCommand({
          logGroupName: logGroupOf(functionName),
          filterPattern: JSON.stringify(text),
          startTime: sinceMs,
          nextToken,
        }),
      );
      for (const event of page.events ?? []) lines.push(event.message ?? '');
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return [];
    throw error;
  }
  return lines;
}
