// Builds the input shapes of every operation of the AWS services the cloud answers itself, from
// the schemas the AWS SDK for JavaScript v3 publishes with each client (`<Operation>$`), in the
// compact form `input-shapes.ts` reads. Run by `npm run generate:shapes` after the SDK is
// updated; `input-shapes.test.ts` fails when the file no longer matches the installed SDK.
import { NormalizedSchema } from '@smithy/core/schema';
import type { ShapeFile, ShapeRef, ShapeTable } from './input-shapes.ts';

/** The SDK client of each service (by the name it signs for) and the protocol it speaks. */
export const SHAPE_SOURCES: Record<string, { client: string; protocol: 'query' | 'json' | 'rest-json' }> = {
  sns: { client: 'sns', protocol: 'query' },
  iam: { client: 'iam', protocol: 'query' },
  sts: { client: 'sts', protocol: 'query' },
  cloudformation: { client: 'cloudformation', protocol: 'query' },
  logs: { client: 'cloudwatch-logs', protocol: 'json' },
  ssm: { client: 'ssm', protocol: 'json' },
  events: { client: 'eventbridge', protocol: 'json' },
  states: { client: 'sfn', protocol: 'json' },
  monitoring: { client: 'cloudwatch', protocol: 'json' },
  sqs: { client: 'sqs', protocol: 'json' },
  lambda: { client: 'lambda', protocol: 'rest-json' },
  apigateway: { client: 'api-gateway', protocol: 'rest-json' },
  tagging: { client: 'resource-groups-tagging-api', protocol: 'json' },
};

// Members a REST request carries outside its JSON body.
const HTTP_BOUND = ['httpLabel', 'httpQuery', 'httpHeader', 'httpPrefixHeaders', 'httpQueryParams'];

/** Every operation's input shape for one service. */
export async function shapesOf(service: string): Promise<ShapeTable> {
  const { client, protocol } = SHAPE_SOURCES[service];
  const sdk = (await import(`@aws-sdk/client-${client}`)) as Record<string, unknown>;
  const shapes: ShapeTable['shapes'] = {};
  const refOf = (schema: NormalizedSchema): ShapeRef => {
    if (schema.isStructSchema()) {
      const name = schema.getName()!;
      if (!(name in shapes)) {
        const members: Record<string, ShapeRef> = {};
        const required: string[] = [];
        shapes[name] = { struct: members };
        // A structure schema: [3, namespace, name, traits, member names, member schemas, how many of the first members are required].
        const raw = schema.getSchema() as unknown as unknown[];
        const requiredCount = typeof raw[6] === 'number' ? raw[6] : 0;
        let index = 0;
        for (const [memberName, member] of schema.structIterator()) {
          const isRequired = index++ < requiredCount;
          const traits = member.getMergedTraits() as Record<string, unknown>;
          if (protocol === 'rest-json' && HTTP_BOUND.some((trait) => traits[trait] !== undefined)) continue;
          const wire = protocol === 'query' ? (traits.xmlName as string | undefined) : (traits.jsonName as string | undefined);
          members[wire ?? memberName] = refOf(member);
          if (isRequired && !traits.httpPayload) required.push(wire ?? memberName);
        }
        if (required.length > 0) shapes[name].required = required;
      }
      return name;
    }
    if (schema.isListSchema()) return { list: refOf(schema.getValueSchema()) };
    if (schema.isMapSchema()) return { map: refOf(schema.getValueSchema()) };
    if (schema.isStringSchema()) return 'string';
    if (schema.isBooleanSchema()) return 'boolean';
    if (schema.isNumericSchema() || schema.isBigIntegerSchema() || schema.isBigDecimalSchema()) return 'number';
    if (schema.isBlobSchema()) return 'blob';
    if (schema.isTimestampSchema()) return 'timestamp';
    return 'any';
  };
  const operations: ShapeTable['operations'] = {};
  for (const [exported, value] of Object.entries(sdk).sort(([a], [b]) => a.localeCompare(b))) {
    // An operation schema: [9, namespace, name, traits, input, output].
    if (!exported.endsWith('$') || !Array.isArray(value) || value[0] !== 9) continue;
    const input = NormalizedSchema.of(typeof value[4] === 'function' ? value[4]() : value[4]);
    // An operation whose body is one member (Lambda's Invoke payload) has no JSON body to check.
    const payload = input.isStructSchema() && [...input.structIterator()].some(([, m]) => m.getMergedTraits().httpPayload);
    operations[exported.slice(0, -1)] = payload || !input.isStructSchema() ? 'any' : refOf(input);
  }
  return { operations, shapes };
}

/** The whole file, every service. */
export async function generateShapeFile(): Promise<ShapeFile> {
  const file: ShapeFile = {};
  for (const service of Object.keys(SHAPE_SOURCES).sort()) file[service] = await shapesOf(service);
  return file;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFile } = await import('node:fs/promises');
  const { execFileSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const path = fileURLToPath(new URL('./input-shapes.json', import.meta.url));
  await writeFile(path, `${JSON.stringify(await generateShapeFile())}\n`);
  execFileSync(fileURLToPath(new URL('../../../node_modules/.bin/biome', import.meta.url)), ['format', '--write', path], {
    stdio: 'inherit',
  });
  console.log(`Wrote ${path}`);
}
