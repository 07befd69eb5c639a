import assert from 'node:assert/strict';
import { renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Scanner } from '../../../src/sources/localLogs/scanner';
import { claudeAssistantLine as assistant, claudeToolResultLine, CLAUDE_MODELS, codexTokenCountLine, codexTurnContextLine, type ClaudeUsage } from '../../fakes/agentLogs';
import { append, claudeCost, claudeFile, close, codexFile, Session, tempHome, totals, write } from './helpers';

const SONNET = CLAUDE_MODELS.sonnet;
const U: ClaudeUsage = { input: 5, output: 400, cacheRead: 40_000, write5m: 1_000 };
const line = (n: number, day = '2026-11-18', usage: ClaudeUsage = U) => assistant({ timestamp: `${day}T10:${String(n % 60).padStart(2, '0')}:00.000Z`, messageId: `msg_${day}_${n}`, requestId: `req_${n}`, model: SONNET, usage, text: 'x'.repeat(200) });
const lines = (from: number, to: number, day?: string) => Array.from({ length: to - from }, (_, i) => line(from + i, day));

void describe('incremental scans', () => {
  void it('reads only the appended bytes of a grown file, and no bytes of unchanged files', () => {
    const home = tempHome();
    const a = claudeFile(home, 'p/a.jsonl');
    const b = claudeFile(home, 'p/b.jsonl');
    write(a, lines(0, 20));
    write(b, lines(100, 120, '2026-11-17'));
    const s = new Session(new Scanner(), 'claudeCode', home);
    const first = s.scan();
    assert.equal(first.stats.bytesRead, statSync(a).size + statSync(b).size);
    const added = `${[claudeToolResultLine('2026-11-18T11:00:00.000Z', 'output'), line(20), line(21)].join('\n')}\n`;
    append(a, added);
    const second = s.scan();
    assert.equal(second.stats.bytesRead, Buffer.byteLength(added), 'exactly the appended bytes');
    assert.equal(second.stats.filesRead, 1);
    assert.ok(second.stats.fingerprintBytes <= 128, 'plus a small fingerprint check');
    assert.deepEqual(second.days, ['2026-11-18'], 'only the touched day');
    assert.equal(totals(second.rows).requests, 22, 'the full rows of the touched day');
    const third = s.scan();
    assert.equal(third.stats.bytesRead, 0);
    assert.deepEqual(third.days, []);
  });

  void it('a targeted scan (the watcher named the file) reads it alone', () => {
    const home = tempHome();
    const a = claudeFile(home, 'p/a.jsonl');
    write(a, lines(0, 5));
    write(claudeFile(home, 'p/b.jsonl'), lines(10, 15));
    const s = new Session(new Scanner(), 'claudeCode', home);
    s.scan();
    append(a, `${line(5)}\n`);
    const r = s.scan({ paths: [a] });
    assert.equal(r.stats.files, 1);
    assert.equal(r.stats.full, false);
    assert.equal(totals(r.rows).requests, 11);
  });

  void it('a truncated file is read again from the start and its old contribution replaced', () => {
    const home = tempHome();
    const a = claudeFile(home, 'p/a.jsonl');
    write(a, lines(0, 10));
    const s = new Session(new Scanner(), 'claudeCode', home);
    s.scan();
    assert.equal(totals(s.rows()).requests, 10);
    // Rewritten shorter, with other content.
    write(a, [line(50), line(51)]);
    const r = s.scan();
    assert.equal(r.stats.truncated, 1);
    assert.equal(totals(s.rows()).requests, 2);
  });

  void it('a file rewritten in place to the same length or longer is noticed (fingerprint) and read again', () => {
    const home = tempHome();
    const a = claudeFile(home, 'p/a.jsonl');
    write(a, lines(0, 3));
    const s = new Session(new Scanner(), 'claudeCode', home);
    s.scan();
    write(a, [line(7), line(8), line(9), line(10)]);
    const r = s.scan();
    assert.equal(r.stats.truncated, 1);
    assert.equal(totals(s.rows()).requests, 4);
  });

  void it('rotation: a new file at the same path is read from its start; the old one stays counted', () => {
    const home = tempHome();
    const a = claudeFile(home, 'p/a.jsonl');
    write(a, lines(0, 4));
    const s = new Session(new Scanner(), 'claudeCode', home);
    s.scan();
    // Replaced by another file (written aside, renamed over it).
    write(path.join(path.dirname(a), 'tmp.new'), [line(30), line(31)]);
    renameSync(path.join(path.dirname(a), 'tmp.new'), a);
    const r = s.scan();
    assert.equal(r.stats.rotated, 1);
    assert.equal(totals(s.rows()).requests, 6);
  });

  void it('a renamed file (e.g. archived) keeps its state: nothing is read or counted twice', () => {
    const home = tempHome();
    const from = codexFile(home, 'sessions/2026/11/18/rollout-x.jsonl');
    const A = { input: 1000, cached: 500, output: 100, reasoning: 0 };
    write(from, [codexTurnContextLine('2026-11-18T10:00:00.000Z', 'gpt-5-codex'), codexTokenCountLine('2026-11-18T10:00:01.000Z', A, A)]);
    const s = new Session(new Scanner(), 'codex', home);
    s.scan();
    const to = codexFile(home, 'archived_sessions/rollout-x.jsonl');
    write(to, []);
    rmSync(to);
    renameSync(from, to);
    const r = s.scan();
    assert.equal(r.stats.renamed, 1);
    assert.equal(r.stats.bytesRead, 0);
    assert.equal(totals(s.rows()).requests, 1);
  });

  void it('deletion: what a deleted transcript contributed stays in the rows of its days', () => {
    const home = tempHome();
    const old = claudeFile(home, 'p/old.jsonl');
    const cur = claudeFile(home, 'p/cur.jsonl');
    write(old, lines(0, 6, '2026-11-10'));
    write(cur, lines(0, 3, '2026-11-18'));
    const s = new Session(new Scanner(), 'claudeCode', home);
    s.scan();
    const before = totals(s.rows());
    rmSync(old); // Claude Code's 30-day cleanup
    const r = s.scan();
    assert.equal(r.stats.deleted, 1);
    assert.deepEqual(totals(s.rows()), before);
    // A day touched later still returns the deleted file's part of it.
    write(claudeFile(home, 'p/late.jsonl'), [line(40, '2026-11-10')]);
    const late = s.scan();
    assert.deepEqual(late.days, ['2026-11-10']);
    assert.equal(totals(late.rows).requests, 7);
  });

  void it('a last line left without its newline counts, once, also when the newline and more lines come later', () => {
    const home = tempHome();
    // No message id: nothing would dedupe a second count of it.
    const unkeyed = assistant({ timestamp: '2026-11-18T10:30:00.000Z', model: SONNET, usage: U, text: 'y'.repeat(200) });
    const a = claudeFile(home, 'p/a.jsonl');
    write(a, [line(0)], unkeyed);
    const A = { input: 1_000, cached: 0, output: 100, reasoning: 0 };
    const AA = { input: 2_000, cached: 0, output: 200, reasoning: 0 };
    const AAA = { input: 3_000, cached: 0, output: 300, reasoning: 0 };
    const x = codexFile(home, 'sessions/2026/11/18/rollout-x.jsonl');
    write(x, [codexTurnContextLine('2026-11-18T10:00:00.000Z', 'gpt-5'), codexTokenCountLine('2026-11-18T10:00:01.000Z', A, A)], codexTokenCountLine('2026-11-18T10:00:02.000Z', AA, A));
    const claude = new Session(new Scanner(), 'claudeCode', home);
    const codex = new Session(new Scanner(), 'codex', home);
    assert.equal(totals(claude.scan().rows).requests, 2, 'as ccusage: the finished last line counts');
    assert.equal(totals(codex.scan().rows).requests, 2);
    append(a, `\n${line(2)}\n`);
    append(x, `\n${codexTokenCountLine('2026-11-18T10:00:03.000Z', AAA, A)}\n`);
    claude.scan();
    codex.scan();
    assert.equal(totals(claude.rows()).requests, 3, 'the completed line is not counted again');
    assert.equal(totals(codex.rows()).requests, 3);
    assert.equal(totals(codex.rows()).output, AAA.output);
    assert.equal(claude.scan().stats.bytesRead, 0);
  });

  void it('the state file lets a new scanner (a restart) go on without reading anything again', () => {
    const home = tempHome();
    const stateFile = path.join(tempHome('tb-state-'), 'claude.state');
    const a = claudeFile(home, 'p/a.jsonl');
    write(a, lines(0, 8));
    write(claudeFile(home, 'p/b.jsonl'), [line(9), line(9)]); // a duplicate across restarts must stay deduped
    const first = new Session(new Scanner({ saveIntervalMs: 0 }), 'claudeCode', home, stateFile);
    first.scan();
    const restarted = new Session(new Scanner(), 'claudeCode', home, stateFile);
    restarted.sync = first.sync;
    const r = restarted.scan();
    assert.equal(r.stats.mode, 'incremental');
    assert.equal(r.stats.bytesRead, 0);
    append(a, `${line(9)}\n${line(10)}\n`);
    restarted.scan();
    for (const [d, rows] of restarted.ledger) first.ledger.set(d, rows);
    assert.equal(totals(first.rows()).requests, 10);
  });

  void it('a lost state file: the files are read again and what the ledger counted from deleted files is kept', () => {
    const home = tempHome();
    const stateFile = path.join(tempHome('tb-state-'), 'claude.state');
    write(claudeFile(home, 'p/old.jsonl'), lines(0, 5, '2026-11-10'));
    write(claudeFile(home, 'p/cur.jsonl'), lines(0, 2, '2026-11-18'));
    const s = new Session(new Scanner({ saveIntervalMs: 0 }), 'claudeCode', home, stateFile);
    s.scan();
    const before = totals(s.rows());
    rmSync(stateFile);
    rmSync(claudeFile(home, 'p/old.jsonl'));
    append(claudeFile(home, 'p/cur.jsonl'), `${line(2, '2026-11-18')}\n`);
    const again = new Session(new Scanner(), 'claudeCode', home, stateFile);
    again.sync = s.sync;
    for (const [d, rows] of s.ledger) again.ledger.set(d, rows);
    const r = again.scan();
    assert.equal(r.stats.mode, 'recovered');
    const after = totals(again.rows());
    assert.equal(after.requests, before.requests + 1);
    assert.ok(close(after.cost, before.cost + claudeCost(SONNET, U, '2026-11-18T10:02:00.000Z'), 1e-6));
    assert.equal(totals(again.rows(), (x) => x.date === '2026-11-10').requests, 5);
  });

  void it('a ledger behind the state (its save failed) gets every day again', () => {
    const home = tempHome();
    write(claudeFile(home, 'p/a.jsonl'), lines(0, 3));
    const s = new Session(new Scanner(), 'claudeCode', home);
    const stale = (s.scan(), s.sync);
    write(claudeFile(home, 'p/b.jsonl'), lines(0, 2, '2026-11-12'));
    s.scan();
    s.sync = stale; // the ledger kept the older sync
    const r = s.scan();
    assert.equal(r.stats.mode, 'resync');
    assert.deepEqual(r.days, ['2026-11-12', '2026-11-18']);
  });

  void it('an over-long line is skipped without losing the lines around it', () => {
    const home = tempHome();
    const a = claudeFile(home, 'p/a.jsonl');
    write(a, [line(1)]);
    append(a, `${'{"type":"user","blob":"'}${'y'.repeat(3 * 1024 * 1024)}"}\n${line(2)}\n`);
    const r = new Session(new Scanner({ chunkBytes: 64 * 1024 }), 'claudeCode', home).scan();
    assert.equal(totals(r.rows).requests, 2);
  });

  void it('lines split across read chunks are read whole', () => {
    const home = tempHome();
    write(claudeFile(home, 'p/a.jsonl'), lines(0, 50));
    const r = new Session(new Scanner({ chunkBytes: 777 }), 'claudeCode', home).scan();
    assert.equal(totals(r.rows).requests, 50);
    writeFileSync(claudeFile(home, 'p/a.jsonl'), '');
    truncateSync(claudeFile(home, 'p/a.jsonl'), 0);
  });
});
