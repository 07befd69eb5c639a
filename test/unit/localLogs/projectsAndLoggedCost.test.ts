// The two dimensions a coding agent's rows carry beside day × model: the project (the working
// directory, where the log says it) and the cost the agent logged itself, through the scan, the
// state file and the ledger's sync (hand-computed from the lines written here).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { LedgerRow } from '../../../src/core/types';
import { claudeProjectOfPath, cwdOfLine } from '../../../src/sources/localLogs/parsers/claude';
import { kimiProjectOf } from '../../../src/sources/localLogs/parsers/kimi';
import type { JsonLinesFormat, Usage } from '../../../src/sources/localLogs/parsers/format';
import { pushUsage, recordParser } from '../../../src/sources/localLogs/parsers/records';
import { Entries, type CountContext } from '../../../src/sources/localLogs/parsers/types';
import { RateCache } from '../../../src/sources/localLogs/pricing';
import { Scanner } from '../../../src/sources/localLogs/scanner';
import { FIELDS, loadState, LOGGED, LOGGED_LIST, LOGGED_N, REQUESTS, saveState, SourceState, type FileState } from '../../../src/sources/localLogs/state';
import { claudeAssistantLine, CLAUDE_MODELS, codexSessionMetaLine, codexTokenCountLine, codexTurnContextLine, type ClaudeUsage } from '../../fakes/agentLogs';
import { writeKimiCorpus } from '../../fakes/agents/kimi';
import { writeLines } from '../../fakes/agents/kit';
import { scanAgent } from './agentHarness';
import { append, claudeFile, close, codexFile, Session, tempHome, totals, write } from './helpers';

const SONNET = CLAUDE_MODELS.sonnet;
const U: ClaudeUsage = { input: 10, output: 100, cacheRead: 1000 };
const claudeLine = (n: number, cwd: string | null, day = '2026-11-18') => {
  const line = claudeAssistantLine({ timestamp: `${day}T10:${String(n).padStart(2, '0')}:00.000Z`, messageId: `msg_${n}`, requestId: `req_${n}`, model: SONNET, usage: U, ...(cwd !== null ? { cwd } : {}) });
  return cwd === null ? line.replace(/"cwd":"[^"]*",/, '') : line;
};

/** Requests per project ('' = none), and the rows' project set. */
function byProject(rows: readonly LedgerRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.project ?? ''] = (out[r.project ?? ''] ?? 0) + r.requests;
  return out;
}

void describe('projects of Claude Code transcripts', () => {
  void it('takes the first usage line\'s cwd, else the folder under projects/, per file', () => {
    const home = tempHome('tb-proj-');
    write(claudeFile(home, '-home-ana-shop/a.jsonl'), [claudeLine(1, '/home/ana/shop'), claudeLine(2, '/home/ana/shop/sub')]);
    write(claudeFile(home, '-home-ana-web/b.jsonl'), [claudeLine(3, 'C:\\\\Users\\\\ana\\\\web'), claudeLine(4, 'C:\\\\Users\\\\ana\\\\web')]);
    write(claudeFile(home, '-home-ana-old/c.jsonl'), [claudeLine(5, null), claudeLine(6, null), claudeLine(7, null)]);
    const s = new Session(new Scanner(), 'claudeCode', home);
    const r = s.scan();
    // One project per file: a cd inside a session does not split it.
    assert.deepEqual(byProject(r.rows), { '/home/ana/shop': 2, 'C:\\Users\\ana\\web': 2, '-home-ana-old': 3 });
    assert.equal(totals(r.rows).requests, 7);
    assert.ok(r.rows.every((row) => row.model === SONNET && row.date === '2026-11-18'));
    // Appended lines of a file keep its project.
    append(claudeFile(home, '-home-ana-web/b.jsonl'), `${claudeLine(8, '/elsewhere')}\n`);
    assert.deepEqual(byProject(s.scan().rows), { '/home/ana/shop': 2, 'C:\\Users\\ana\\web': 3, '-home-ana-old': 3 });
  });

  void it('reads cwd only among the keys before message, and the folder only under projects/', () => {
    const line = Buffer.from(claudeLine(1, '/a/"q"'.replace(/"/g, '\\"')));
    assert.equal(cwdOfLine(line, 0, line.length), '/a/"q"');
    const none = Buffer.from(claudeLine(1, null));
    assert.equal(cwdOfLine(none, 0, none.length), null);
    assert.equal(claudeProjectOfPath('/h/.claude/projects/-h-x/s/subagents/a.jsonl'), '-h-x');
    assert.equal(claudeProjectOfPath('/h/logs/a.jsonl'), '');
  });
});

void describe('projects of Codex rollouts', () => {
  void it('takes session_meta\'s cwd, else the first turn_context\'s, else none', () => {
    const home = tempHome('tb-proj-');
    const turn = (t: string, n: number) => codexTokenCountLine(t, null, { input: 1000 * n, cached: 0, output: 10, reasoning: 0 });
    write(codexFile(home, 'sessions/2026/11/18/rollout-a.jsonl'), [codexSessionMetaLine('2026-11-18T09:00:00.000Z', 'a'), codexTurnContextLine('2026-11-18T09:00:01.000Z', 'gpt-5'), turn('2026-11-18T09:00:02.000Z', 1)]);
    write(codexFile(home, 'sessions/2026/11/18/rollout-b.jsonl'), [
      codexSessionMetaLine('2026-11-18T10:00:00.000Z', 'b').replace('"cwd":"/home/dev/app",', ''),
      codexTurnContextLine('2026-11-18T10:00:01.000Z', 'gpt-5').replace('/home/dev/app', '/srv/api'),
      turn('2026-11-18T10:00:02.000Z', 2),
      codexTurnContextLine('2026-11-18T10:00:03.000Z', 'gpt-5').replace('/home/dev/app', '/srv/other'),
      turn('2026-11-18T10:00:04.000Z', 3),
    ]);
    write(codexFile(home, 'sessions/2026/11/18/rollout-c.jsonl'), [codexTurnContextLine('2026-11-18T11:00:01.000Z', 'gpt-5').replace('"cwd":"/home/dev/app",', ''), turn('2026-11-18T11:00:02.000Z', 4)]);
    const r = new Session(new Scanner(), 'codex', home).scan();
    assert.deepEqual(byProject(r.rows), { '/home/dev/app': 1, '/srv/api': 2, '': 1 });
    assert.equal(r.rows.find((row) => row.project === '/srv/api')?.inputTokens, 5000);
  });
});

// pi logs `usage.cost.total` (USD) per assistant message, and the session's cwd in its header line.
const piMessage = (id: string, minute: number, usage: { input: number; output: number; cacheRead: number; cost?: number }) => ({
  type: 'message',
  id,
  parentId: null,
  timestamp: `2026-03-10T10:${String(minute).padStart(2, '0')}:00.000Z`,
  message: { role: 'assistant', model: 'claude-sonnet-4-5', provider: 'anthropic', usage: { input: usage.input, output: usage.output, cacheRead: usage.cacheRead, cacheWrite: 0, ...(usage.cost !== undefined ? { cost: { total: usage.cost } } : {}) } },
});
const piHeader = (id: string, cwd?: string) => ({ type: 'session', version: 3, id, timestamp: '2026-03-10T09:59:00.000Z', ...(cwd !== undefined ? { cwd } : {}) });
const piFile = (home: string, name: string) => path.join(home, '.pi', 'agent', 'sessions', '--home-dev-shop--', name);

/** claude-sonnet-4-5 list price: $3 / M input, $15 / M output, $0.30 / M cache read. */
const sonnet = (input: number, output: number, cacheRead: number) => (input * 3 + output * 15 + cacheRead * 0.3) / 1e6;

void describe('the cost an agent logged, beside list price', () => {
  function corpus(home: string): void {
    writeLines(piFile(home, '2026-03-10T09-59-00-000Z_a.jsonl'), [
      piHeader('a', '/home/dev/shop'),
      piMessage('m1', 0, { input: 1000, output: 2000, cacheRead: 10000, cost: 0.05 }), // list 0.036
      piMessage('m2', 1, { input: 2000, output: 1000, cacheRead: 0 }), // nothing logged; list 0.021
      piMessage('m3', 2, { input: 0, output: 1000, cacheRead: 0, cost: 0 }), // a free model: logged $0; list 0.015
    ]);
    // A branch of session a: m1 copied verbatim (the same usage, counted once), and one of its own.
    writeLines(piFile(home, '2026-03-10T09-59-00-000Z_b.jsonl'), [
      piHeader('b', '/home/dev/shop'),
      piMessage('m1', 0, { input: 1000, output: 2000, cacheRead: 10000, cost: 0.05 }),
      piMessage('m4', 3, { input: 1000, output: 0, cacheRead: 0, cost: 0.004 }), // list 0.003
    ]);
    // No cwd in the header: no project.
    writeLines(piFile(home, '2026-03-10T09-59-00-000Z_c.jsonl'), [piHeader('c'), piMessage('m5', 4, { input: 0, output: 2000, cacheRead: 0, cost: 0.01 })]); // list 0.03
  }

  void it('sums per row what was logged and list price for the same requests; nothing logged, no figure', () => {
    const home = tempHome('tb-logged-');
    corpus(home);
    const rows = new Session(new Scanner(), 'pi', home).scan().rows;
    assert.equal(rows.length, 2);
    const [shop, none] = [rows.find((r) => r.project === '/home/dev/shop'), rows.find((r) => r.project === undefined)];
    assert.ok(shop && none);
    assert.equal(shop.requests, 4);
    assert.ok(close(shop.cost, sonnet(1000, 2000, 10000) + sonnet(2000, 1000, 0) + sonnet(0, 1000, 0) + sonnet(1000, 0, 0)));
    assert.ok(close(shop.loggedCost ?? NaN, 0.05 + 0 + 0.004), `logged ${shop.loggedCost}`);
    assert.ok(close(shop.loggedListCost ?? NaN, sonnet(1000, 2000, 10000) + sonnet(0, 1000, 0) + sonnet(1000, 0, 0)));
    assert.ok(close(shop.loggedListCost ?? NaN, 0.036 + 0.015 + 0.003), 'hand-computed');
    assert.ok(close(none.loggedCost ?? NaN, 0.01) && close(none.loggedListCost ?? NaN, 0.03));
    // Logged $0 is a figure, kept as 0.
    writeLines(piFile(home, '2026-03-10T09-59-00-000Z_d.jsonl'), [piHeader('d', '/home/dev/free'), piMessage('m6', 5, { input: 10, output: 10, cacheRead: 0, cost: 0 })]);
    writeLines(piFile(home, '2026-03-10T09-59-00-000Z_e.jsonl'), [piHeader('e', '/home/dev/list'), piMessage('m7', 6, { input: 10, output: 10, cacheRead: 0 })]);
    const again = new Session(new Scanner(), 'pi', home).scan().rows;
    const free = again.find((r) => r.project === '/home/dev/free');
    assert.equal(free?.loggedCost, 0);
    assert.ok((free?.loggedListCost ?? 0) > 0);
    assert.equal('loggedCost' in (again.find((r) => r.project === '/home/dev/list') ?? { loggedCost: 1 }), false);
  });

  void it('keeps both through the state file, and through the ledger\'s sync when the state is lost', () => {
    const home = tempHome('tb-logged-');
    corpus(home);
    const stateFile = path.join(tempHome('tb-logged-state-'), 'pi.state');
    const s = new Session(new Scanner(), 'pi', home, stateFile);
    const first = s.scan().rows;
    s.scanner.flush();
    // Another process: the state file, then an appended line counted on top of it.
    const other = new Session(new Scanner(), 'pi', home, stateFile);
    other.sync = s.sync;
    append(piFile(home, '2026-03-10T09-59-00-000Z_c.jsonl'), `${JSON.stringify(piMessage('m8', 7, { input: 0, output: 1000, cacheRead: 0, cost: 0.02 }))}\n`);
    const r = other.scan();
    assert.equal(r.stats.mode, 'incremental');
    const none = r.rows.find((row) => row.project === undefined);
    assert.ok(close(none?.loggedCost ?? NaN, 0.03) && close(none?.loggedListCost ?? NaN, 0.045));
    assert.deepEqual(r.rows.find((row) => row.project === '/home/dev/shop'), first.find((row) => row.project === '/home/dev/shop'));
    // The state lost and the logs gone: the ledger's sync gives back the same rows.
    const lost = new Session(new Scanner(), 'pi', tempHome('tb-logged-empty-'));
    lost.sync = other.sync;
    const recovered = lost.scan();
    assert.equal(recovered.stats.mode, 'recovered');
    const strip = (rows: readonly LedgerRow[]) => rows.map((row) => ({ ...row, cost: Number(row.cost.toFixed(6)), loggedCost: Number(row.loggedCost?.toFixed(6)), loggedListCost: Number(row.loggedListCost?.toFixed(6)) }));
    assert.deepEqual(strip(recovered.rows), strip(r.rows));
  });
});

void describe('a sync written before rows had projects', () => {
  void it('is compared with the day × model over every project: nothing counted twice, the rest kept under no project', () => {
    const home = tempHome('tb-proj-');
    write(claudeFile(home, '-a/a.jsonl'), [claudeLine(1, '/a'), claudeLine(2, '/a')]);
    write(claudeFile(home, '-b/b.jsonl'), [claudeLine(3, '/b')]);
    const now = new Session(new Scanner(), 'claudeCode', home).scan();
    // As the previous version wrote it: one row per day × model, eight elements; and a day whose transcript is gone since.
    const sync = now.sync as { days: Record<string, (string | number)[][]> };
    const t = totals(now.rows);
    const old = {
      ...sync,
      days: {
        '2026-11-18': [[SONNET, t.cost, t.input, t.output, t.read, t.write, t.requests, 0]],
        '2026-11-10': [[SONNET, 1.5, 1, 2, 3, 4, 5, 0]],
      },
    };
    const s = new Session(new Scanner(), 'claudeCode', home);
    s.sync = old;
    const r = s.scan();
    assert.equal(r.stats.mode, 'recovered');
    assert.deepEqual(byProject(r.rows.filter((row) => row.date === '2026-11-18')), { '/a': 2, '/b': 1 });
    assert.ok(close(totals(r.rows.filter((row) => row.date === '2026-11-18')).cost, t.cost));
    assert.deepEqual(
      r.rows.filter((row) => row.date === '2026-11-10').map((row) => [row.project, row.requests, row.cost]),
      [[undefined, 5, 1.5]],
    );
  });
});

void describe('a logged cost when a usage is counted again from a better copy', () => {
  void it('replaces the logged cost with the copy\'s (or takes it away when the copy logged none), as it replaces the tokens', () => {
    const format: JsonLinesFormat<null> = { kind: 'jsonl', source: 'pi', needle: '', roots: () => [], dirs: () => [], isLog: () => true, initial: () => null, line: () => null };
    const parser = recordParser(format);
    const state = new SourceState('pi', 'x', 'id');
    const ctx: CountContext = { state, prices: new RateCache(), counters: { entries: 0, assumed: 0 }, changed: new Set(), day: () => '2026-03-10', bucket: (day, model, project) => state.bucket(day, model, project) };
    const f: FileState = { id: 1, path: '/a.jsonl', dev: 0, ino: 0, birth: 0, size: 0, mtimeMs: 0, offset: 0, tail: 0 };
    const count = (...usages: Usage[]) => {
      const out = new Entries();
      for (const u of usages) pushUsage(out, u);
      parser.count(ctx, f, { consumed: 0, tail: 0, bytesRead: 0, fingerprintBytes: 0, lines: 0, fast: 0, slow: 0, entries: out.take(), count: out.count, models: out.models }, { s: null }, false);
    };
    const at = Date.parse('2026-03-10T10:00:00Z');
    const u = (rank: number, output: number, loggedCost?: number): Usage => ({ ms: at, model: 'claude-sonnet-4-5', input: 0, output, cacheRead: 0, cacheWrite: 0, key: 'k', rank, project: '/p', ...(loggedCost !== undefined ? { loggedCost } : {}) });
    const bucket = () => state.bucket('2026-03-10', 'claude-sonnet-4-5', '/p') * FIELDS;
    const logged = () => [state.totals[bucket() + REQUESTS], state.totals[bucket() + LOGGED_N], Number(state.totals[bucket() + LOGGED]?.toFixed(9)), Number(state.totals[bucket() + LOGGED_LIST]?.toFixed(9))];
    count(u(1, 1000, 0.5));
    assert.deepEqual(logged(), [1, 1, 0.5, 0.015]);
    count(u(2, 2000, 0.8)); // a later, fuller copy
    assert.deepEqual(logged(), [1, 1, 0.8, 0.03]);
    // The state file keeps the records' logged costs and the buckets' projects and logged totals.
    const file = path.join(tempHome('tb-logged-state-'), 'pi.state');
    saveState(state, file);
    const loaded = loadState(file);
    assert.equal(loaded?.recordLogged?.[0], 0.8);
    assert.deepEqual(loaded && [...loaded.totals.subarray(bucket(), bucket() + FIELDS)], [...state.totals.subarray(bucket(), bucket() + FIELDS)]);
    assert.equal(loaded?.bucketProject[0], '/p');
    count(u(1, 3000, 9)); // a lesser copy: ignored
    assert.deepEqual(logged(), [1, 1, 0.8, 0.03]);
    count(u(3, 4000)); // a fuller copy that logged nothing
    assert.deepEqual(logged(), [1, 0, 0, 0]);
  });
});


void describe('projects of Kimi sessions', () => {
  void it("maps a session's folder to its work directory through kimi.json (md5 of the path, or session_to_workdir)", () => {
    const home = tempHome('tb-proj-kimi-');
    const corpus = writeKimiCorpus(home);
    const { result } = scanAgent('kimi', home);
    const projects = byProject(result.rows);
    assert.deepEqual(Object.keys(projects).sort(), ['', '/home/dev/api', '/home/dev/web']);
    // Kimi Code's sessions (~/.kimi-code, no kimi.json): no project.
    assert.equal(projects[''], 6);
    assert.equal(Object.values(projects).reduce((a, b) => a + b, 0), corpus.usages.length);
    // session_to_workdir wins over the md5 of a work_dirs path; a folder neither names has none.
    const share = path.join(home, '.kimi');
    const session = path.join(share, 'sessions', 'd41d8cd98f00b204e9800998ecf8427e', 'sess-1', 'wire.jsonl');
    writeLines(path.join(share, 'kimi.json'), [{ work_dirs: [{ path: '/home/dev/api' }], session_to_workdir: { 'sess-1': '/srv/mapped' } }]);
    assert.equal(kimiProjectOf(share, session), '/srv/mapped');
    assert.equal(kimiProjectOf(share, path.join(share, 'sessions', 'd41d8cd98f00b204e9800998ecf8427e', 'other', 'subagents', 'a', 'wire.jsonl')), null);
    const apiGroup = createHash('md5').update('/home/dev/api', 'utf8').digest('hex');
    assert.equal(kimiProjectOf(share, path.join(share, 'sessions', apiGroup, 'other', 'wire.jsonl')), '/home/dev/api');
  });
});
