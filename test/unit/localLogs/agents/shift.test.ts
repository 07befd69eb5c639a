/**
 * The shift of test/fakes/agents/shift.ts, with which test/e2e/localLogs.test.ts moves the corpora
 * of test/fakes/agents (fixed days of March and April 2026) into the budget year in force. The
 * e2e test runs on the real clock (so do the extension and ccusage it compares), so here a given
 * 'today' stands in for it: on 2 and 3 January (a corpus longer than the year so far, folded onto
 * its first day) and mid-year, every instant each generator writes lies between the year's start
 * and that moment, in the suite's zone; and the moved corpora, folded ones included, are still
 * counted and priced alike by the scanner and by ccusage (Kimi's kimi-k2.6 switch among them).
 * OpenCode's and Kilo's stores: shift.sqlite.test.ts.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { LocalSourceId } from '../../../../src/sources/localLogs/paths';
import { writeCopilotCorpus } from '../../../fakes/agents/copilotCli';
import { writeGeminiCorpus } from '../../../fakes/agents/gemini';
import { writeGrokCorpus } from '../../../fakes/agents/grok';
import { writeKimiCorpus } from '../../../fakes/agents/kimi';
import { writeOpenClawCorpus } from '../../../fakes/agents/openClaw';
import { writePiCorpus } from '../../../fakes/agents/pi';
import { DAY_MS, dayIn, dayStartIn, instantsUnder, planShift, shiftIso, shiftMs, writeInYear, yearStartIn, type Shift } from '../../../fakes/agents/shift';
import { assertSameDays, ccusageDaily, scanAgent, type DayTotal, tempHomes } from '../agentHarness';

/** The e2e suite's zone. */
const ZONE = 'America/New_York';

const tempHome = tempHomes('tb-shift-');

/**
 * The generators the e2e test uses, as it calls them (ccusage's options: no forks, no divergent
 * copies); `fields`: what ccusage counts as the scanner does (its Gemini output leaves thoughts out).
 */
const GENERATORS: readonly { source: LocalSourceId; ccusage: string; write: (home: string, shift: Shift | undefined) => unknown; fields?: readonly (keyof DayTotal)[] }[] = [
  { source: 'geminiCli', ccusage: 'gemini', write: (home, shift) => writeGeminiCorpus(home, undefined, { shift }), fields: ['cost', 'input', 'read', 'write'] },
  { source: 'pi', ccusage: 'pi', write: (home, shift) => writePiCorpus(home, { shift }) },
  { source: 'openClaw', ccusage: 'openclaw', write: (home, shift) => writeOpenClawCorpus(home, { shift }) },
  { source: 'kimi', ccusage: 'kimi', write: (home, shift) => writeKimiCorpus(home, { shift }) },
  { source: 'grok', ccusage: 'grok', write: (home, shift) => writeGrokCorpus(home, { shift }) },
  { source: 'copilotCli', ccusage: 'copilot', write: (home, shift) => writeCopilotCorpus(path.join(home, '.copilot'), { shift }) },
];

/** 'Today's in ZONE: 2 January at 01:00, 3 January at noon, 15 June at noon. */
const TODAYS = ['2027-01-02T06:00:00Z', '2027-01-03T17:00:00Z', '2027-06-15T16:00:00Z'].map(Date.parse);

/**
 * Asserts every instant under `home` lies on a day from 1 January to today, and (from 3 January
 * on: see planShift) no later than `now`. Returns how many instants there are.
 */
function assertInYear(home: string, now: number, label: string): number {
  const instants = instantsUnder(home);
  assert.ok(instants.length > 100, `${label}: instants found (${instants.length})`);
  const today = dayIn(now, ZONE);
  const yearStart = `${today.slice(0, 4)}-01-01`;
  const strict = today >= `${today.slice(0, 4)}-01-03`;
  const out = instants.filter((i) => dayIn(i.ms, ZONE) < yearStart || dayIn(i.ms, ZONE) > today || (strict && i.ms > now));
  assert.deepEqual(out.slice(0, 5).map((i) => `${new Date(i.ms).toISOString()} ${i.where}`), [], `${label}: ${out.length} instants outside ${yearStart}–${today}${strict ? ` or after ${new Date(now).toISOString()}` : ''}`);
  return instants.length;
}

void describe('moving instants by whole days', () => {
  void it('moves epoch ms and ISO strings; folds what is still too early onto the first day, at its time of day', () => {
    const t = Date.parse('2026-03-02T03:10:00.000Z');
    assert.equal(shiftMs(t, undefined), t);
    assert.equal(shiftMs(t, { days: 10 }), t + 10 * DAY_MS);
    assert.equal(shiftIso('2026-03-02T03:10:00.000Z', { days: -1 }), '2026-03-01T03:10:00.000Z');
    assert.equal(shiftIso('2026-03-02T05:00:00Z', undefined), '2026-03-02T05:00:00Z');
    // 300 days on: 26, 26, 30 December and 3 January; the first three not before 1 January 05:10.
    const notBefore = Date.parse('2027-01-01T05:10:00Z');
    const moved = (iso: string): string => new Date(shiftMs(Date.parse(iso), { days: 300, notBefore })).toISOString();
    assert.equal(moved('2026-03-01T04:00:00Z'), '2027-01-02T04:00:00.000Z');
    assert.equal(moved('2026-03-01T06:00:00Z'), '2027-01-01T06:00:00.000Z');
    assert.equal(moved('2026-03-05T06:00:00Z'), '2027-01-01T06:00:00.000Z');
    assert.equal(moved('2026-03-09T06:00:00Z'), '2027-01-03T06:00:00.000Z');
  });

  void it('finds where a day begins in a zone (DST or not)', () => {
    assert.equal(new Date(dayStartIn('2027-01-01', ZONE)).toISOString(), '2027-01-01T05:00:00.000Z');
    assert.equal(new Date(dayStartIn('2027-07-01', ZONE)).toISOString(), '2027-07-01T04:00:00.000Z');
    assert.equal(new Date(dayStartIn('2027-01-01', 'Asia/Kolkata')).toISOString(), '2026-12-31T18:30:00.000Z');
    assert.equal(new Date(yearStartIn(Date.parse('2027-01-01T03:00:00Z'), ZONE)).toISOString(), '2026-01-01T05:00:00.000Z');
  });

  void it('plans a corpus a few days before today; from 1 January when it fits no earlier; folded when it does not fit', () => {
    const range = { first: Date.parse('2026-03-02T03:10:00Z'), last: Date.parse('2026-03-09T11:50:00Z') };
    const mid = Date.parse('2027-06-15T16:00:00Z');
    const a = planShift(range, { now: mid, zone: ZONE });
    assert.equal(a.notBefore, undefined);
    const last = range.last + a.days * DAY_MS;
    assert.ok(last <= mid - 3 * DAY_MS && last > mid - 4 * DAY_MS, new Date(last).toISOString());
    const early = Date.parse('2027-01-12T17:00:00Z');
    const b = planShift(range, { now: early, zone: ZONE });
    assert.equal(b.notBefore, undefined);
    assert.equal(dayIn(range.first + b.days * DAY_MS, ZONE), '2027-01-01');
    assert.ok(range.last + b.days * DAY_MS <= early);
    const c = planShift(range, { now: Date.parse('2027-01-03T17:00:00Z'), zone: ZONE });
    assert.ok(c.notBefore !== undefined && c.notBefore >= yearStartIn(early, ZONE));
    assert.ok(range.last + c.days * DAY_MS <= Date.parse('2027-01-03T17:00:00Z'));
  });
});

/** How many instants a generator's unmoved corpus holds (written once per generator). */
const fixedInstants = new Map<LocalSourceId, number>();
function instantsOfFixed(g: (typeof GENERATORS)[number]): number {
  let n = fixedInstants.get(g.source);
  if (n === undefined) {
    const fixed = tempHome();
    g.write(fixed, undefined);
    n = instantsUnder(fixed).length;
    fixedInstants.set(g.source, n);
  }
  return n;
}

void describe('the corpora the e2e test writes, moved into the year of a given today', () => {
  for (const now of TODAYS) {
    void it(`${new Date(now).toISOString()}: every instant each generator writes (ISO strings, epoch s and ms, [s, ns] pairs, file names) lies between 1 January and then`, () => {
      for (const g of GENERATORS) {
        const home = tempHome();
        writeInYear(home, g.write, { now, zone: ZONE });
        assert.equal(assertInYear(home, now, g.source), instantsOfFixed(g), `${g.source}: as many instants as the fixed corpus`);
      }
    });
  }

  // One date is enough here: whether both sides agree on moved files does not depend on which day they were moved to (the in-year checks above cover every date; Kimi's price switch has its own case below).
  for (const now of [TODAYS[2]] as number[]) {
    void it(`${new Date(now).toISOString()}: the scanner and ccusage count each moved corpus alike, day by day`, async () => {
      for (const g of GENERATORS) {
        const home = tempHome();
        const shift = writeInYear(home, g.write, { now, zone: ZONE });
        const mine = scanAgent(g.source, home).days;
        assert.ok(mine.size > 0 && [...mine.keys()].every((d) => d.startsWith(dayIn(now, ZONE).slice(0, 4))), `${g.source} ${JSON.stringify(shift)}: ${[...mine.keys()].join(' ')}`);
        assertSameDays(mine, await ccusageDaily(g.ccusage, home), g.fields ? { fields: g.fields } : {});
      }
    });
  }

  void it('prices a Kimi corpus moved past 2026-04-20T15:28:10Z as kimi-k2.6 throughout, on both sides', async () => {
    const home = tempHome();
    const now = TODAYS[2] as number;
    const corpus = writeKimiCorpus(home, { shift: planShift({ first: Date.parse('2026-04-18T05:00:00Z'), last: Date.parse('2026-04-22T21:00:00Z') }, { now, zone: ZONE }) });
    assert.deepEqual(new Set(corpus.usages.map((u) => u.model)), new Set(['kimi-k2.6']));
    assertSameDays(scanAgent('kimi', home).days, await ccusageDaily('kimi', home));
  });
});
