import { readFileSync } from 'node:fs';

/** A scalar, a named structure, or a list or map of something. */
export type ShapeRef = 'string' | 'number' | 'boolean' | 'blob' | 'timestamp' | 'any' | string | { list: ShapeRef } | { map: ShapeRef };

/** One service's operations (name → input shape) and the structures they are made of. */
export interface ShapeTable {
  operations: Record<string, ShapeRef>;
  /** Each structure's members, and those it requires (AWS answers a request without one "Member must not be null"). */
  shapes: Record<string, { struct: Record<string, ShapeRef>; required?: string[] }>;
}

/** Every service's table, by the name it signs for (`input-shapes.json`, from the AWS SDK's schemas). */
export type ShapeFile = Record<string, ShapeTable>;

/** A request whose input does not have its operation's shape: a member of the wrong type, or a required one missing. */
export class InputShapeError extends Error {
  constructor(
    /** Where, e.g. `Entries[0].Detail`. */
    readonly member: string,
    readonly expected: string,
    readonly got: string,
    readonly kind: 'type' | 'missing' = 'type',
  ) {
    super(
      kind === 'missing'
        ? `Value null at '${member}' failed to satisfy constraint: Member must not be null`
        : `${member} must be ${expected}, not ${got}.`,
    );
  }
}

const SCALARS = new Set(['string', 'number', 'boolean', 'blob', 'timestamp', 'any']);
/** Deeper than any AWS input the labs send; a document member (`any`) is not descended into. */
const MAX_DEPTH = 64;

let file: ShapeFile | undefined;
function table(service: string): ShapeTable | undefined {
  file ??= JSON.parse(readFileSync(new URL('./input-shapes.json', import.meta.url), 'utf8')) as ShapeFile;
  return Object.hasOwn(file, service) ? file[service] : undefined;
}

/**
 * Checks a request's input against its operation's shape as AWS's front door deserializes it:
 * every member present has its type (a structure an object, a list an array, a string a
 * string...). Unknown members pass, as on AWS; `null` is an absent member. In the query protocol
 * every scalar arrives as a string, so only the nesting is checked, and numbers and booleans are
 * read from their text.
 */
export function checkInput(service: string, action: string, input: unknown, wire: 'json' | 'query'): void {
  const shapes = table(service);
  if (!shapes || !Object.hasOwn(shapes.operations, action)) return;
  check(shapes, shapes.operations[action], input, 'the request', wire, 0);
}

/** Whether AWS has this operation at all (false: a name no AWS SDK sends, such as `toString`); undefined when the service has no table. */
export function isOperation(service: string, action: string): boolean | undefined {
  const shapes = table(service);
  return shapes ? Object.hasOwn(shapes.operations, action) : undefined;
}

/** Whether the operation's request carries a JSON document (not a raw payload, as an invocation does). */
export function expectsJsonBody(service: string, action: string): boolean {
  const shapes = table(service);
  return !!shapes && Object.hasOwn(shapes.operations, action) && shapes.operations[action] !== 'any';
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a structure';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

function check(shapes: ShapeTable, ref: ShapeRef, value: unknown, at: string, wire: 'json' | 'query', depth: number): void {
  if (value === null || value === undefined || ref === 'any') return;
  if (depth > MAX_DEPTH) throw new InputShapeError(at, `nested at most ${MAX_DEPTH} levels`, 'deeper');
  if (typeof ref === 'object') {
    // The query protocol sends an empty list or map as the bare name (`Tags=`), a map as entries.
    if (wire === 'query' && value === '') return;
    if (wire === 'query' && 'map' in ref) {
      if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'object' || Array.isArray(entry)))
        throw new InputShapeError(at, 'a map (entry.N.key / entry.N.value)', describe(value));
      return;
    }
    if ('list' in ref) {
      if (!Array.isArray(value)) throw new InputShapeError(at, 'a list', describe(value));
      for (const [i, item] of value.entries()) check(shapes, ref.list, item, `${at}[${i}]`, wire, depth + 1);
    } else {
      if (typeof value !== 'object' || Array.isArray(value)) throw new InputShapeError(at, 'a map', describe(value));
      for (const [key, item] of Object.entries(value)) check(shapes, ref.map, item, `${at}.${key}`, wire, depth + 1);
    }
    return;
  }
  if (SCALARS.has(ref)) {
    checkScalar(ref, value, at, wire);
    return;
  }
  const shape = Object.hasOwn(shapes.shapes, ref) ? shapes.shapes[ref] : undefined;
  const struct = shape?.struct;
  if (!struct) return;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InputShapeError(at, 'a structure', describe(value));
  for (const name of shape.required ?? []) {
    const member = (value as Record<string, unknown>)[name];
    if (member === undefined || member === null || (wire === 'query' && member === ''))
      throw new InputShapeError(at === 'the request' ? name : `${at}.${name}`, 'present', 'absent', 'missing');
  }
  for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
    // `Tags=` is the query protocol's empty list: handed on as one, not as the text ''.
    if (wire === 'query' && member === '' && Object.hasOwn(struct, name) && typeof struct[name] === 'object')
      (value as Record<string, unknown>)[name] = [];
    if (Object.hasOwn(struct, name)) check(shapes, struct[name], member, at === 'the request' ? name : `${at}.${name}`, wire, depth + 1);
  }
}

function checkScalar(ref: string, value: unknown, at: string, wire: 'json' | 'query'): void {
  if (wire === 'query') {
    if (typeof value !== 'string') throw new InputShapeError(at, `a single ${ref} value`, describe(value));
    if (ref === 'number' && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim()))
      throw new InputShapeError(at, 'a number', JSON.stringify(value));
    if (ref === 'boolean' && !/^(true|false)$/i.test(value)) throw new InputShapeError(at, 'true or false', JSON.stringify(value));
    return;
  }
  const ok =
    ref === 'string' || ref === 'blob'
      ? typeof value === 'string'
      : ref === 'number'
        ? typeof value === 'number'
        : ref === 'boolean'
          ? typeof value === 'boolean'
          : typeof value === 'number' || typeof value === 'string'; // timestamps: epoch seconds, or ISO-8601 text
  if (!ok) throw new InputShapeError(at, ref === 'blob' ? 'base64 text' : `a ${ref}`, describe(value));
}
