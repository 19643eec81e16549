import { AwsError } from '../../aws/errors.ts';

// What DynamoDB refuses and dynalite would take (or overflow its stack on): attribute values
// nested deeper than 32 levels. "Nested attribute depth: DynamoDB supports nested attributes up to
// 32 levels deep", counting the top-level attribute as level 1: 31 maps or lists inside it pass,
// 32 do not. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html

const MAX_CONTAINERS = 31;
/** No DynamoDB request is deeper than its attribute values (two JSON levels per map or list) and a few levels of envelope. */
const MAX_JSON_DEPTH = 2 * (MAX_CONTAINERS + 1) + 12;
const AV_TYPES = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);

// "The maximum length of any expression string is 4 KB." (the Constraints page above)
const MAX_EXPRESSION_BYTES = 4_096;
/**
 * dynalite's expression parser takes time and memory exponential in the nesting of parentheses
 * (a wrong expression eight levels deep: 14 s; ten: gigabytes), where DynamoDB answers at once.
 * Deeper expressions are refused here, naming the local limit.
 */
const MAX_EXPRESSION_NESTING = 5;
const EXPRESSIONS = new Set([
  'ConditionExpression',
  'KeyConditionExpression',
  'FilterExpression',
  'UpdateExpression',
  'ProjectionExpression',
]);

/** Refuses an expression DynamoDB would refuse for its size, or the local emulator could not parse in reasonable time. */
function checkExpression(name: string, expression: string): void {
  if (Buffer.byteLength(expression) > MAX_EXPRESSION_BYTES)
    throw new AwsError('ValidationException', `Invalid ${name}: Expression size has exceeded the maximum allowed size (4 KB).`);
  let depth = 0;
  let deepest = 0;
  for (const char of expression) {
    if (char === '(') deepest = Math.max(deepest, ++depth);
    else if (char === ')') depth--;
    if (depth < 0) break;
  }
  if (depth !== 0) throw new AwsError('ValidationException', `Invalid ${name}: Syntax error; the parentheses do not balance.`);
  if (deepest > MAX_EXPRESSION_NESTING)
    throw new AwsError(
      'ValidationException',
      `Invalid ${name}: the local cloud reads expressions nested at most ${MAX_EXPRESSION_NESTING} parentheses deep (this one: ${deepest}); use the AWS target for deeper ones.`,
    );
}

const tooDeep = () =>
  new AwsError(
    'ValidationException',
    'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit',
  );

/** Whether `value` is an attribute value (`{"S": …}`, `{"M": {…}}`…). */
function isAttributeValue(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && AV_TYPES.has(keys[0]);
}

/**
 * Walks a DynamoDB request and refuses an attribute value with more than 31 maps or lists inside
 * its top level (wherever it appears: an item, a key, an expression's values), a request nested
 * deeper than any DynamoDB request can be, and expressions too long or too deeply nested.
 */
export function checkDynamoDbRequest(request: unknown): void {
  walk(request, 0, -1);
}

/** `containers`: the maps and lists around this value inside its top-level attribute value (-1: not inside one). */
function walk(value: unknown, depth: number, containers: number): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_JSON_DEPTH) throw tooDeep();
  if (Array.isArray(value)) {
    for (const item of value) walk(item, depth + 1, containers);
    return;
  }
  const record = value as Record<string, unknown>;
  if (isAttributeValue(record)) {
    const level = containers + 1;
    if ('M' in record && record.M && typeof record.M === 'object') {
      if (level >= MAX_CONTAINERS) throw tooDeep();
      for (const item of Object.values(record.M)) walk(item, depth + 2, level);
    } else if ('L' in record && Array.isArray(record.L)) {
      if (level >= MAX_CONTAINERS) throw tooDeep();
      for (const item of record.L) walk(item, depth + 2, level);
    }
    return;
  }
  for (const [key, item] of Object.entries(record)) {
    if (EXPRESSIONS.has(key) && typeof item === 'string') checkExpression(key, item);
    walk(item, depth + 1, containers);
  }
}
