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
