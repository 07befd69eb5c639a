/**
 * The simulator's responses validated against docs/allowance-gateway.schema.json (with the small
 * validator in ./jsonSchema.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulator } from '../../../tools/simulator/server';
import type { Simulator } from '../../../tools/simulator/server';
import { get, usagePath } from './http';
import { assertInvalid, assertValid, def, resolveRef, ROOT, ROOT_SCHEMA, typeOf, validate } from './jsonSchema';

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
