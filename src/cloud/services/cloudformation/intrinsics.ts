import { validationError } from './errors.ts';

/** What resolving a template value can look up. */
export interface ResolveScope {
  /** Value of `Ref` for a parameter, pseudo parameter or resource. */
  ref(name: string): unknown;
  /** Value of `Fn::GetAtt`. */
  getAtt(logicalId: string, attribute: string): unknown;
  /** Whether a named condition holds. */
  condition(name: string): boolean;
  /** Availability zones of a region. */
  azs(region: string): string[];
  /** Value of `Fn::ImportValue`. */
  importValue(name: string): unknown;
  mappings: Record<string, Record<string, Record<string, unknown>>>;
}

/** Stands for a property removed by `Ref: AWS::NoValue` (or an `Fn::If` branch of it). */
export const NO_VALUE = Symbol('AWS::NoValue');

/** Resolves every intrinsic function in `value`. Unknown `Fn::` functions are refused by name. */
export function resolve(value: unknown, scope: ResolveScope): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, scope)).filter((v) => v !== NO_VALUE);
  if (!value || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
    const [name] = keys;
    const arg = (value as Record<string, unknown>)[name];
    if (name === 'Condition' && typeof arg === 'string') return scope.condition(arg);
    return intrinsic(name, arg, scope);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const resolved = resolve(v, scope);
    if (resolved !== NO_VALUE) out[k] = resolved;
  }
  return out;
}

function str(value: unknown, fn: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw validationError(`Template error: ${fn} expects strings, got ${JSON.stringify(value)}`);
}

function intrinsic(name: string, arg: unknown, scope: ResolveScope): unknown {
  switch (name) {
    case 'Ref':
      if (arg === 'AWS::NoValue') return NO_VALUE;
      return scope.ref(str(arg, 'Ref'));
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(arg) ? arg : str(arg, 'Fn::GetAtt').split(/\.(.*)/s);
      return scope.getAtt(str(logicalId, 'Fn::GetAtt'), str(resolve(attribute, scope), 'Fn::GetAtt'));
    }
    case 'Fn::Join': {
      const [separator, items] = arg as [string, unknown];
      const list = resolve(items, scope);
      if (!Array.isArray(list)) throw validationError('Template error: Fn::Join requires a list');
      return list.map((item) => str(item, 'Fn::Join')).join(separator);
    }
    case 'Fn::Sub': {
      const [template, variables = {}] = Array.isArray(arg) ? arg : [arg, {}];
      const resolvedVariables = resolve(variables, scope) as Record<string, unknown>;
      return str(template, 'Fn::Sub').replace(/\$\{([^}]+)\}/g, (_whole, expression: string) => {
        if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
        if (expression in resolvedVariables) return str(resolvedVariables[expression], 'Fn::Sub');
        const dot = expression.indexOf('.');
        if (dot > 0 && !expression.startsWith('AWS::'))
          return str(scope.getAtt(expression.slice(0, dot), expression.slice(dot + 1)), 'Fn::Sub');
        return str(scope.ref(expression), 'Fn::Sub');
      });
    }
    case 'Fn::Select': {
      const [index, items] = arg as [unknown, unknown];
      const list = resolve(items, scope);
      const i = Number(resolve(index, scope));
      if (!Array.isArray(list) || !Number.isInteger(i) || i < 0 || i >= list.length)
        throw validationError(`Template error: Fn::Select cannot select index ${i}`);
      return list[i];
    }
    case 'Fn::Split': {
      const [separator, source] = arg as [string, unknown];
      return str(resolve(source, scope), 'Fn::Split').split(separator);
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
      return resolve(scope.condition(condition) ? whenTrue : whenFalse, scope);
    }
    case 'Fn::Equals': {
      const [a, b] = arg as [unknown, unknown];
      return JSON.stringify(resolve(a, scope)) === JSON.stringify(resolve(b, scope));
    }
    case 'Fn::Not':
      return !truthy(resolve((arg as unknown[])[0], scope));
    case 'Fn::And':
      return (arg as unknown[]).every((c) => truthy(resolve(c, scope)));
    case 'Fn::Or':
      return (arg as unknown[]).some((c) => truthy(resolve(c, scope)));
    case 'Fn::Contains': {
      const [list, item] = arg as [unknown, unknown];
      const resolvedList = resolve(list, scope);
      return Array.isArray(resolvedList) && resolvedList.map(String).includes(String(resolve(item, scope)));
    }
    case 'Fn::GetAZs': {
      const region = str(resolve(arg, scope), 'Fn::GetAZs') || String(scope.ref('AWS::Region'));
      return scope.azs(region);
    }
    case 'Fn::Base64':
      return Buffer.from(str(resolve(arg, scope), 'Fn::Base64')).toString('base64');
    case 'Fn::FindInMap': {
      const [map, top, second] = (arg as unknown[]).map((a) => str(resolve(a, scope), 'Fn::FindInMap'));
      const found = scope.mappings[map]?.[top]?.[second];
      if (found === undefined) throw validationError(`Template error: Unable to get mapping for ${map}::${top}::${second}`);
      return found;
    }
    case 'Fn::ImportValue':
      return scope.importValue(str(resolve(arg, scope), 'Fn::ImportValue'));
    case 'Fn::ToJsonString':
      return JSON.stringify(resolve(arg, scope));
    default:
      throw validationError(`Template format error: the local cloud does not support the intrinsic function ${name}`);
  }
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true';
}

/** Logical ids a value refers to (Ref, GetAtt and ${…} in Sub): the edges of the dependency graph. */
export function references(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) references(v, into);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);
      else if (key === 'Fn::Sub') {
        const template = Array.isArray(v) ? v[0] : v;
        if (typeof template === 'string') for (const m of template.matchAll(/\$\{([^!}][^}.]*)(?:\.[^}]*)?\}/g)) into.add(m[1]);
        if (Array.isArray(v)) references(v[1], into);
      } else references(v, into);
    }
  }
  return into;
}
