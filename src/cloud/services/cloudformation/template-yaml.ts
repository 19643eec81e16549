import { type CollectionTag, parse, type ScalarTag, YAMLMap, YAMLSeq } from 'yaml';

// The short forms of CloudFormation's intrinsic functions (`!Ref`, `!Sub`…), each turned into the
// long form the template evaluator reads (`{ "Ref": … }`, `{ "Fn::Sub": … }`).
const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Contains',
  'ToJsonString',
  'Length',
  'GetAtt',
];

function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  // `!GetAtt Resource.Attribute` is the scalar form of `Fn::GetAtt: [Resource, Attribute]`.
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

function tagsFor(name: string): (ScalarTag | CollectionTag)[] {
  const tag = `!${name}`;
  // A collection's resolve receives the parsed node: its plain value is its JSON.
  const collection = (value: unknown) => longForm(name, (value as YAMLMap | YAMLSeq).toJSON());
  return [
    { tag, resolve: (value: string) => longForm(name, value) },
    { tag, collection: 'seq', nodeClass: YAMLSeq, resolve: collection },
    { tag, collection: 'map', nodeClass: YAMLMap, resolve: collection },
  ];
}

const CUSTOM_TAGS = ['Ref', 'Condition', ...FUNCTIONS].flatMap(tagsFor);

/**
 * Parses a YAML template as CloudFormation reads one: the short forms of intrinsic functions,
 * and the core schema (a date-like `2012-10-17` stays a string, as CloudFormation keeps it).
 */
export function parseYamlTemplate(body: string): unknown {
  return parse(body, { schema: 'core', customTags: CUSTOM_TAGS, uniqueKeys: true, maxAliasCount: 1000 });
}
