import { AwsError } from '../../aws/errors.ts';

/** Reads a JSONPath of the simple form EventBridge input paths use: `$`, `$.a.b`, `$.a[0].b`. */
export function readPath(document: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new AwsError('ValidationException', `Invalid InputPath: ${path} must start with $`);
  let value: any = document;
  for (const part of path.slice(1).match(/\.[^.[\]]+|\[\d+\]/g) ?? []) {
    if (value === undefined || value === null) return undefined;
    value = part.startsWith('[') ? value[Number(part.slice(1, -1))] : value[part.slice(1)];
  }
  return value;
}

/**
 * Renders an input transformer as EventBridge does: each `<name>` in the template is replaced by
 * the value its path selects; a string placed inside quotes goes in as it is, anything else as
 * JSON. A few `<aws.events.*>` placeholders are predefined.
 */
export function renderTemplate(template: string, paths: Record<string, string>, event: Record<string, unknown>, ruleArn: string): string {
  const values: Record<string, unknown> = {
    'aws.events.rule-arn': ruleArn,
    'aws.events.rule-name': ruleArn.split('/').pop(),
    'aws.events.event.ingestion-time': event.time,
    'aws.events.event': event,
    'aws.events.event.json': event,
  };
  for (const [name, path] of Object.entries(paths)) {
    if (name.startsWith('aws.')) throw new AwsError('ValidationException', `InputPathsMap key ${name} is reserved.`);
    values[name] = readPath(event, path);
  }
  const json = /^\s*[[{]/.test(template);
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    const placeholder = c === '<' ? /^<([\w.-]+)>/.exec(template.slice(i)) : null;
    if (placeholder && placeholder[1] in values) {
      const value = values[placeholder[1]];
      // Inside a JSON string (or in a text template) a value goes in as text; elsewhere as JSON.
      const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
      out += inString ? text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : json ? JSON.stringify(value ?? null) : text;
      i += placeholder[0].length - 1;
      continue;
    }
    if (c === '\\' && inString) {
      out += c + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"' && json) inString = !inString;
    out += c;
  }
  return out;
}
