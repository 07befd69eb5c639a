/**
 * Kilo's store on Node 24's node:sqlite: the cross-check with ccusage 20.0.24 (`ccusage kilo
 * daily`) within 0.5%, tokens and cost, on a corpus whose rows log their list price (ccusage takes
 * Kilo's logged cost as the cost); and the days where ccusage's Kilo reader is wrong or blind
 * (logged $0, reasoning already in output, channel databases, the JSON store, XDG_DATA_HOME),
 * against hand-computed totals.
 *
 * Run: ~/.cache/token-budget/editor/node_modules/.bin/node --import tsx --test test/unit/localLogs/agents/kilo.sqlite.test.ts
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { kiloFormat } from '../../../../src/sources/localLogs/parsers/kilo';
import { writeKiloCorpus, writeKiloTraps } from '../../../fakes/agents/kilo';
import { assertSameDays, scanAgent, tempHomes } from '../agentHarness';
import { ccusageDays, daysOf, formatUsages } from './storeCheck';

const tempHome = tempHomes('tb-kilo-');

void test('cross-check with ccusage kilo: the format and the scanner within 0.5%, tokens and cost (rows in the -wal file included)', async () => {
  const home = tempHome();
  const corpus = writeKiloCorpus(home);
  try {
    assert.ok(statSync(`${corpus.store.file}-wal`).size > 0);
    const theirs = await ccusageDays('kilo', home);
    const mine = daysOf(formatUsages(kiloFormat, {}, home));
    assert.equal(mine.size, 5);
    assertSameDays(mine, theirs);
    assertSameDays(scanAgent('kilo', home).days, theirs);
    // The JSON copies (inflated) lose to the database rows.
    for (const m of corpus.messages.slice(0, 6)) assert.equal(formatUsages(kiloFormat, {}, home).find((u) => u.key === m.id)?.input, m.tokens.input);
  } finally {
    corpus.store.close();
  }
});

void test('where ccusage is wrong or does not look: hand-computed days', async () => {
  const home = tempHome();
  const traps = writeKiloTraps(home);
  try {
    const mine = daysOf(formatUsages(kiloFormat, traps.env, home));
    const scanned = scanAgent('kilo', home, traps.env).days;
    const theirs = await ccusageDays('kilo', home, traps.ccusageEnv);
    // ccusage does not honour XDG_DATA_HOME: without its own variable it finds nothing.
    assert.equal((await ccusageDays('kilo', home, traps.env)).size, 0);
    for (const want of traps.days) {
      for (const [name, days] of [
        ['format', mine],
        ['scanner', scanned],
      ] as const) {
        const got = days.get(want.day);
        assert.ok(got, `${name} ${want.day}`);
        assert.deepEqual([got.input, got.output, got.read, got.write], [want.input, want.output, want.read, want.write], `${name} ${want.day}`);
        assert.ok(Math.abs(got.cost - want.cost) < 1e-9, `${name} ${want.day} cost ${got.cost} vs ${want.cost}`);
      }
      const c = theirs.get(want.day);
      if (want.ccusage === null) assert.equal(c, undefined, `ccusage has no ${want.day}`);
      else {
        assert.ok(c, `ccusage ${want.day}`);
        assert.equal(c.tokens, want.ccusage.tokens, `ccusage tokens ${want.day}`);
        assert.ok(Math.abs(c.cost - want.ccusage.cost) < 1e-9, `ccusage cost ${want.day}: ${c.cost}`);
      }
    }
  } finally {
    for (const s of traps.stores) s.close();
  }
});
