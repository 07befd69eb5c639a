/**
 * A small JSON Schema validator for docs/allowance-gateway.schema.json, shared by the simulator's
 * schema tests and the gateway fixtures' tests.
 *
 * No JSON Schema validator is a dependency, so this carries one for the keywords the schema uses
 * (type incl. type arrays, enum, const, pattern, minimum, minLength, required, properties,
 * additionalProperties, items, anyOf, $ref to #/$defs/…). It refuses any other keyword, so the
 * schema cannot silently grow beyond what is checked; annotations (description, title, format, …)
 * are ignored, as JSON Schema itself does by default for `format`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Schema = boolean | { [keyword: string]: unknown };

export const ROOT = join(__dirname, '..', '..', '..');
export const ROOT_SCHEMA = JSON.parse(readFileSync(join(ROOT, 'docs', 'allowance-gateway.schema.json'), 'utf8')) as Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'examples', 'default', 'format', '$defs']);
const ASSERTIONS = new Set(['type', 'enum', 'const', 'pattern', 'minimum', 'minLength', 'required', 'properties', 'additionalProperties', 'items', 'anyOf', '$ref']);

export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return typeof value === 'number' && Number.isInteger(value);
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeOf(value) === type;
}

export function resolveRef(ref: string): Schema {
  const m = /^#\/\$defs\/([A-Za-z0-9_]+)$/.exec(ref);
  const defs = ROOT_SCHEMA.$defs as Record<string, Schema> | undefined;
  const target = m?.[1] !== undefined ? defs?.[m[1]] : undefined;
  if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return target;
}

/** Returns the list of violations (empty = valid). */
export function validate(schema: Schema, value: unknown, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: not allowed`];
  for (const k of Object.keys(schema)) if (!ANNOTATIONS.has(k) && !ASSERTIONS.has(k)) throw new Error(`validator does not support keyword ${k}`);
  const errors: string[] = [];
  if (typeof schema.$ref === 'string') errors.push(...validate(resolveRef(schema.$ref), value, path));
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => hasType(value, t))) return [...errors, `${path}: expected ${types.join('|')}, got ${typeOf(value)}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) errors.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && schema.const !== value) errors.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.anyOf) && !(schema.anyOf as Schema[]).some((s) => validate(s, value, path).length === 0)) errors.push(`${path}: matches none of anyOf`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
  }
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${path}: ${value} < ${schema.minimum}`);
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in obj)) errors.push(`${path}: missing ${key}`);
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [key, v] of Object.entries(obj)) {
      const sub = props[key] ?? (schema.additionalProperties as Schema | undefined);
      if (sub !== undefined) errors.push(...validate(sub, v, `${path}.${key}`));
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) value.forEach((item, i) => errors.push(...validate(schema.items as Schema, item, `${path}[${i}]`)));
  return errors;
}

export const def = (name: string): Schema => resolveRef(`#/$defs/${name}`);
export const assertValid = (name: string, value: unknown): void => assert.deepEqual(validate(def(name), value), [], `${name}: ${JSON.stringify(value).slice(0, 200)}`);
export const assertInvalid = (name: string, value: unknown): string[] => {
  const errors = validate(def(name), value);
  assert.ok(errors.length > 0, `${name} should reject ${JSON.stringify(value).slice(0, 200)}`);
  return errors;
};
