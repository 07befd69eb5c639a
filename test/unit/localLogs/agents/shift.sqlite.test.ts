/**
 * OpenCode's and Kilo's stores (test/fakes/agents/opencode.ts) moved into the year of a given
 * 'today' by test/fakes/agents/shift.ts, as test/e2e/localLogs.test.ts moves them (shift.test.ts:
 * the other corpora, and why a given today): every instant in their rows, JSON files and names lies
 * from 1 January to then, and the scanner and ccusage still count them alike, day by day.
 *
 * Run: ~/.cache/token-budget/editor/node_modules/.bin/node --import tsx --test test/unit/localLogs/agents/shift.sqlite.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeStoreCorpus, type StoreAgent } from '../../../fakes/agents/opencode';
import { dayIn, instantsUnder, writeInYear, type Shift } from '../../../fakes/agents/shift';
import { sqliteSkip } from '../../../fakes/agents/sqlite';
import { assertSameDays, scanAgent, tempHomes } from '../agentHarness';
import { ccusageDays } from './storeCheck';

const ZONE = 'America/New_York';
const skip = sqliteSkip();

const tempHome = tempHomes('tb-shift-store-');

/** As the e2e test writes them: the writer closed. */
const write = (agent: StoreAgent) => (home: string, shift: Shift | undefined) => writeStoreCorpus(home, { agent, shift }).store.close();
const SOURCE = { opencode: 'openCode', kilo: 'kilo' } as const;

for (const now of ['2027-01-02T06:00:00Z', '2027-01-03T17:00:00Z', '2027-06-15T16:00:00Z'].map(Date.parse)) {
  const today = dayIn(now, ZONE);
  const strict = today >= `${today.slice(0, 4)}-01-03`;
  void test(`${new Date(now).toISOString()}: every instant of the moved stores lies from 1 January to then${strict ? '' : ' (its day)'}; the scanner and ccusage count them alike`, { skip }, async () => {
    for (const agent of ['opencode', 'kilo'] as const) {
      const fixed = tempHome();
      write(agent)(fixed, undefined);
      const home = tempHome();
      writeInYear(home, write(agent), { now, zone: ZONE });
      const instants = instantsUnder(home);
      assert.equal(instants.length, instantsUnder(fixed).length, `${agent}: as many instants as the fixed corpus`);
      const out = instants.filter((i) => dayIn(i.ms, ZONE) < `${today.slice(0, 4)}-01-01` || dayIn(i.ms, ZONE) > today || (strict && i.ms > now));
      assert.deepEqual(out.slice(0, 5).map((i) => `${new Date(i.ms).toISOString()} ${i.where}`), [], `${agent}: ${out.length} instants out of the year so far`);
      const mine = scanAgent(SOURCE[agent], home).days;
      assert.ok(mine.size > 0 && [...mine.keys()].every((d) => d.startsWith(today.slice(0, 4))), [...mine.keys()].join(' '));
      assertSameDays(mine, await ccusageDays(agent, home));
    }
  });
}
