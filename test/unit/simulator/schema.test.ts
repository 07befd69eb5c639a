/**
 * The simulator's responses validated against docs/allowance-gateway.schema.json.
 *
 * No JSON Schema validator is a dependency, so this file carries a small one for the keywords the
 * schema uses (type incl. type arrays, enum, const, pattern, minimum, minLength, required,
 * properties, additionalProperties, items, anyOf, $ref to #/$defs/…). It refuses any other
 * keyword, so the schema cannot silently grow beyond what is checked; annotations (description,
 * title, format, …) are ignored, as JSON Schema itself does by default for `format`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulator } from '../../../tools/simulator/server';
import type { Simulator } from '../../../tools/simulator/server';
import { get, usagePath } from './http';

type Schema = boolean | { [keyword: string]: unknown };

const ROOT = join(__dirname, '..', '..', '..');
const ROOT_SCHEMA = JSON.parse(readFileSync(join(ROOT, 'docs', 'allowance-gateway.schema.json'), 'utf8')) as Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'examples', 'default', 'format', '$defs']);
const ASSERTIONS = new Set(['type', 'enum', 'const', 'pattern', 'minimum', 'minLength', 'required', 'properties', 'additionalProperties', 'items', 'anyOf', '$ref']);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return typeof value === 'number' && Number.isInteger(value);
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeOf(value) === type;
}

function resolveRef(ref: string): Schema {
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

const def = (name: string): Schema => resolveRef(`#/$defs/${name}`);
const assertValid = (name: string, value: unknown): void => assert.deepEqual(validate(def(name), value), [], `${name}: ${JSON.stringify(value).slice(0, 200)}`);
const assertInvalid = (name: string, value: unknown): string[] => {
  const errors = validate(def(name), value);
  assert.ok(errors.length > 0, `${name} should reject ${JSON.stringify(value).slice(0, 200)}`);
  return errors;
};

void describe('the JSON Schema document', () => {
  void test('is draft 2020-12 and defines the five response parts', () => {
    assert.equal(ROOT_SCHEMA.$schema, 'https://json-schema.org/draft/2020-12/schema');
    for (const name of ['AllowanceResponse', 'UsageResponse', 'UsageDay', 'ModelUsage', 'ErrorResponse']) assert.equal(typeOf(def(name)), 'object', name);
  });

  void test('every $ref resolves and only supported keywords are used', () => {
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (typeOf(node) !== 'object') return;
      const obj = node as Record<string, unknown>;
      if (typeof obj.$ref === 'string') resolveRef(obj.$ref);
      for (const [k, v] of Object.entries(obj)) {
        if (k === 'properties' || k === '$defs') Object.values(v as object).forEach(walk);
        else if (k !== 'enum' && k !== 'const' && k !== 'examples' && k !== 'required') walk(v);
      }
    };
    walk(ROOT_SCHEMA);
    for (const name of Object.keys(ROOT_SCHEMA.$defs as object)) validate(def(name), null);
  });

  void test('the validator rejects what the protocol forbids', () => {
    const ok = { user: 'a@b.c', timezone: 'UTC', currency: 'USD', budget: null, spent: 0, as_of: '2026-11-27T06:00:00Z' };
    assertValid('AllowanceResponse', ok);
    assertValid('AllowanceResponse', { ...ok, budget: { amount: 1, period_start: '2026-04-01', period_end: '2027-04-01' }, extra_field: 1 });
    assertInvalid('AllowanceResponse', { ...ok, spent: '12.00' });
    assertInvalid('AllowanceResponse', { ...ok, spent: -1 });
    assertInvalid('AllowanceResponse', { ...ok, currency: 'EUR' });
    assertInvalid('AllowanceResponse', { ...ok, budget: { amount: 1, period_start: '2026-4-1', period_end: '2027-04-01' } });
    assertInvalid('AllowanceResponse', { ...ok, as_of: '27/11/2026' });
    const { spent: _spent, ...noSpent } = ok;
    assertInvalid('AllowanceResponse', noSpent);
    assertValid('UsageResponse', { days: [], next_cursor: null });
    assertInvalid('UsageResponse', { days: [] });
    assertInvalid('UsageResponse', { days: [{ date: '2026-04-01', cost: 1, models: [{ model: 'm', cost: 1, requests: 1.5, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 }] }], next_cursor: null });
    assertInvalid('ErrorResponse', { error: { code: 'teapot', message: 'x' } });
    assertInvalid('ErrorResponse', { message: 'x' });
  });

  void test('the JSON examples in docs/allowance-gateway.md are valid', () => {
    const md = readFileSync(join(ROOT, 'docs', 'allowance-gateway.md'), 'utf8');
    const examples = [...md.matchAll(/<!-- schema: (\w+) -->\s*```json\n([\s\S]*?)```/g)];
    assert.ok(examples.length >= 4, `found ${examples.length} labelled examples`);
    for (const [, name, json] of examples) assertValid(name ?? '', JSON.parse(json ?? '') as unknown);
  });
});

void describe('the simulator’s responses validate against the schema', () => {
  let sim: Simulator;
  let noBudget: Simulator;
  before(async () => {
    sim = await startSimulator({ history: { now: new Date('2027-03-31T18:00:00Z') } });
    noBudget = await startSimulator({ history: { now: new Date('2026-11-27T12:00:00Z'), budgetAmount: null } });
  });
  after(async () => {
    await sim.close();
    await noBudget.close();
  });

  const json = (text: string): unknown => JSON.parse(text);

  void test('GET /v1/allowance, with a budget and without', async () => {
    assertValid('AllowanceResponse', json((await get(sim, '/v1/allowance')).text));
    const body = json((await get(noBudget, '/v1/allowance')).text);
    assertValid('AllowanceResponse', body);
    assert.equal((body as { budget: unknown }).budget, null);
  });

  void test('GET /v1/usage, every page of a year', async () => {
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body = json((await get(sim, usagePath('2026-04-01', '2027-03-31', cursor))).text) as { next_cursor: string | null };
      assertValid('UsageResponse', body);
      cursor = body.next_cursor;
      pages++;
    } while (cursor !== null);
    assert.equal(pages, 4);
    for (const day of sim.data.days.filter((d) => d.cost > 0)) {
      assertValid('UsageDay', day);
      for (const m of day.models) assertValid('ModelUsage', m);
    }
  });

  void test('errors: 400, 401, 404, and the injected 403, 429, 503', async () => {
    const bodies = [
      await get(sim, usagePath('2026-04-01', 'x')),
      await get(sim, '/v1/allowance', 'wrong'),
      await get(sim, '/nope'),
    ];
    for (const fault of [{ kind: 'status', status: 403 }, { kind: 'rate_limit', retryAfter: 1 }, { kind: 'status', status: 503, retryAfter: 2 }] as const) {
      sim.setFault({ ...fault, times: 1 });
      bodies.push(await get(sim, '/v1/allowance'));
    }
    assert.deepEqual(bodies.map((b) => b.status), [400, 401, 404, 403, 429, 503]);
    for (const b of bodies) assertValid('ErrorResponse', json(b.text));
  });

  void test('the wrong_types fault produces bodies the schema rejects', async () => {
    sim.setFault({ kind: 'wrong_types', times: 2 });
    const allowanceErrors = assertInvalid('AllowanceResponse', json((await get(sim, '/v1/allowance')).text));
    assert.ok(allowanceErrors.some((e) => e.startsWith('$.spent')), allowanceErrors.join('; '));
    const usageErrors = assertInvalid('UsageResponse', json((await get(sim, usagePath('2026-04-01', '2026-04-30'))).text));
    assert.ok(usageErrors.some((e) => e.startsWith('$.days[0].cost')), usageErrors.join('; '));
  });
});
