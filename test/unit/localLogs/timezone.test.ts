// Days are local: the scanner buckets by the local calendar day of each response. TZ is set in
// this process before anything reads the clock (each test file runs in its own process).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Scanner } from '../../../src/sources/localLogs/scanner';
import { localDayKeyOfMs as localDayKey } from '../../../src/core/dates';
import { toDayKey } from '../../../src/core/dates';
import { claudeAssistantLine as assistant, CLAUDE_MODELS, codexTokenCountLine, codexTurnContextLine } from '../../fakes/agentLogs';
import { claudeFile, codexFile, Session, tempHome, write } from './helpers';

const original = process.env['TZ'];
after(() => {
  if (original === undefined) delete process.env['TZ'];
  else process.env['TZ'] = original;
});

const U = { input: 3, output: 30, cacheRead: 1_000 };
const at = (iso: string, n: number) => assistant({ timestamp: iso, messageId: `m${n}`, requestId: `r${n}`, model: CLAUDE_MODELS.sonnet, usage: U });

function daysOf(zone: string, instants: string[]): Record<string, number> {
  process.env['TZ'] = zone;
  const home = tempHome();
  write(claudeFile(home, 'p/a.jsonl'), instants.map(at));
  const r = new Session(new Scanner(), 'claudeCode', home).scan();
  return Object.fromEntries(r.rows.map((x) => [x.date, x.requests]));
}

void describe('local-day bucketing', () => {
  void it('New York: 23:59 and 00:01 local fall on two days (UTC says one)', () => {
    assert.deepEqual(daysOf('America/New_York', ['2026-11-20T04:59:00.000Z', '2026-11-20T05:01:00.000Z']), { '2026-11-19': 1, '2026-11-20': 1 });
  });

  void it('Kolkata (UTC+5:30): the day turns at 18:30 UTC', () => {
    assert.deepEqual(daysOf('Asia/Kolkata', ['2026-11-20T18:29:59.000Z', '2026-11-20T18:30:00.000Z', '2026-11-20T18:44:00.000Z']), { '2026-11-20': 1, '2026-11-21': 2 });
  });

  void it('Kathmandu (UTC+5:45) and Chatham (UTC+13:45) too', () => {
    assert.deepEqual(daysOf('Asia/Kathmandu', ['2026-11-20T18:14:00.000Z', '2026-11-20T18:15:00.000Z']), { '2026-11-20': 1, '2026-11-21': 1 });
    assert.deepEqual(daysOf('Pacific/Chatham', ['2026-11-20T10:14:00.000Z', '2026-11-20T10:15:00.000Z']), { '2026-11-20': 1, '2026-11-21': 1 });
  });

  void it('across a DST change (Berlin, 2026-10-25), hour by hour, the same days as core/dates', () => {
    process.env['TZ'] = 'Europe/Berlin';
    for (let h = 0; h < 48; h++) {
      const ms = Date.UTC(2026, 9, 24, 20, 0) + h * 3_600_000 - 1;
      assert.equal(localDayKey(ms), toDayKey(new Date(ms)));
    }
    const instants = ['2026-10-24T21:59:00.000Z', '2026-10-24T22:00:00.000Z', '2026-10-25T22:59:00.000Z', '2026-10-25T23:00:00.000Z'];
    assert.deepEqual(daysOf('Europe/Berlin', instants), { '2026-10-24': 1, '2026-10-25': 2, '2026-10-26': 1 });
  });

  void it('Codex turns are bucketed the same way', () => {
    process.env['TZ'] = 'America/Los_Angeles';
    const home = tempHome();
    const A = { input: 100, cached: 0, output: 10, reasoning: 0 };
    write(codexFile(home, 'sessions/2026/11/21/rollout-z.jsonl'), [
      codexTurnContextLine('2026-11-21T07:00:00.000Z', 'gpt-5-codex'),
      codexTokenCountLine('2026-11-21T07:59:00.000Z', A, A),
      codexTokenCountLine('2026-11-21T08:01:00.000Z', { ...A, input: 200, output: 20 }, A),
    ]);
    const r = new Session(new Scanner(), 'codex', home).scan();
    assert.deepEqual(r.rows.map((x) => [x.date, x.requests]), [['2026-11-20', 1], ['2026-11-21', 1]]);
  });
});
