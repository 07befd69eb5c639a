import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonWithoutLongStrings } from '../../../src/sources/localLogs/jsonBytes';
import { fromLatin1 } from '../../../src/sources/localLogs/parsers/records';

/** What a format gets from a line: parsed from Latin-1 text, long strings left out. */
const read = (json: string, max = 8) => JSON.parse(jsonWithoutLongStrings(Buffer.from(json, 'utf8'), 0, Buffer.byteLength(json), max)) as unknown;

void describe('JSON text as the agent formats read it', () => {
  void it('leaves out the bodies of long strings only, escaped quotes and backslashes included', () => {
    const line = { model: 'gpt-5', text: 'a "quoted" reply \\ with a backslash', id: 'm1', nested: { long: 'x'.repeat(20), short: 'ok\\' }, list: ['y'.repeat(9), 'z'] };
    assert.deepEqual(read(JSON.stringify(line)), { model: 'gpt-5', text: '', id: 'm1', nested: { long: '', short: 'ok\\' }, list: ['', 'z'] });
  });

  void it('finds every string however long, escapes at any place, and long stretches without one (generated documents)', () => {
    // Strings of 0–200 bytes with quotes and backslashes anywhere (the search changes hands at 48
    // bytes), between stretches of numbers up to ~300 bytes long; keys stay short.
    let seed = 20261207;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const text = () => Array.from({ length: rand(200) }, () => ['a', 'b', '"', '\\', ' ', 'é'][rand(6)]).join('');
    for (let doc = 0; doc < 300; doc++) {
      const max = 8 + rand(100);
      const value: Record<string, unknown> = {};
      const expected: Record<string, unknown> = {};
      for (let k = 0; k < 1 + rand(12); k++) {
        const key = `k${k}`;
        if (rand(3) === 0) {
          value[key] = expected[key] = Array.from({ length: rand(80) }, () => rand(1000));
        } else {
          const s = text();
          value[key] = s;
          // The body's length as written: escapes included, UTF-8 bytes.
          expected[key] = Buffer.byteLength(JSON.stringify(s)) - 2 > max ? '' : Buffer.from(s, 'utf8').toString('latin1');
        }
      }
      assert.deepEqual(read(JSON.stringify(value), max), expected, `document ${doc} (max ${max})`);
    }
  });

  void it('returns text that is not well-formed whole, for JSON.parse to refuse', () => {
    const torn = '{"model":"gpt-5","text":"unfinished';
    assert.equal(jsonWithoutLongStrings(Buffer.from(torn), 0, torn.length, 4), torn);
    assert.throws(() => read(torn, 4));
  });

  void it('gives back the UTF-8 text of the strings kept (a model, a key, a path), whatever they hold', () => {
    const v = read(JSON.stringify({ model: 'modèle-中文', key: 'Jürgen/🙂' }), 64) as { model: string; key: string };
    assert.equal(fromLatin1(v.model), 'modèle-中文');
    assert.equal(fromLatin1(v.key), 'Jürgen/🙂');
    // JSON escapes are characters already: left alone, whether in Latin-1's range or beyond it.
    const escaped = read('{"a":"caf\\u00e9","b":"\\u4e2d\\u6587","c":"plain"}', 64) as Record<string, string>;
    assert.deepEqual(Object.fromEntries(Object.entries(escaped).map(([k, s]) => [k, fromLatin1(s)])), { a: 'café', b: '中文', c: 'plain' });
  });
});
