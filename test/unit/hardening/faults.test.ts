// The fault-injection suite: every source (the gateway simulator and the LiteLLM, OpenRouter,
// OpenAI and Anthropic fakes, each behind a fault proxy) through the real BudgetService,
// HttpClient and LedgerStore, under every fault the issue lists. For each: no crash, no data
// lost (the last good spend kept), a clear state (stale + a specific message), bounded requests
// (counted at the server), and recovery when the fault clears. Prints the table at the end.
//
//   node --import tsx --test test/unit/hardening/faults.test.ts

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { ledgerCsv } from '../../../src/core/csv';
import { publicKeyPrefix } from '../../../src/sources/http';
import { Harness, RETRIES, TIMEOUT_MS } from './harness';
import { KEYS, keyFragments, TARGETS, WRONG_KEYS, type Target } from './targets';

const MB = 1024 * 1024;
const DAY_MS = 86_400_000;
/** HttpClient's default response cap (the suite keeps the default). */
const MAX_RESPONSE_BYTES = 20 * MB;

interface Row {
  readonly source: string;
  readonly fault: string;
  /** Requests of the faulted refresh, then of each refresh made while the source must be left alone. */
  readonly requests: string;
  readonly outcome: string;
}
const table: Row[] = [];
const harnesses: Harness[] = [];
const targets: Target[] = [];

interface FaultCase {
  readonly name: string;
  /** Sets the fault up; false when it does not apply to this source (the row says why). */
  arm(h: Harness): boolean | Promise<boolean>;
  disarm(h: Harness): void | Promise<void>;
  /** The source's state after the faulted refresh, and its message. */
  readonly state: 'stale' | 'ok';
  readonly error?: RegExp;
  /** Most requests the faulted refresh may make (`normal` = what a healthy refresh of this source makes). */
  maxRequests(h: Harness, normal: number): number;
  /** Clock advances (ms) before refreshes that must not reach the server (the source waits). */
  readonly quiet?: readonly number[];
  /** Clock change (ms, may be negative) before the recovery refresh. */
  readonly recoverAfterMs?: number;
  /** Extra checks on the faulted refresh: the waits it asked for and the request timeouts that fired. */
  check?(h: Harness, waits: readonly number[], timeouts: readonly number[]): void;
  /** What the table says of a fault that leaves the source ok. */
  readonly okOutcome?: string;
  /** The clock moves: the year's spend may move with "today"; the ledger keeps every row. */
  readonly clockMoves?: boolean;
  readonly notApplicable?: string;
}

const retried = () => RETRIES + 1;

const CASES: readonly FaultCase[] = [
  {
    name: 'timeout (no answer)',
    // No answer ever comes: the client's TIMEOUT_MS timer runs twenty times fast meanwhile.
    arm: (h) => (h.target.proxy.setFault({ kind: 'hang' }), (h.timeoutScale = 0.05), true),
    disarm: (h) => {
      h.target.proxy.setFault(null);
      h.timeoutScale = 10;
    },
    state: 'stale',
    error: new RegExp(`did not answer within ${TIMEOUT_MS / 1000} s`),
    maxRequests: retried,
    check: (h, _waits, timeouts) => assert.deepEqual(timeouts, Array.from({ length: retried() }, () => TIMEOUT_MS), `every try timed out after TIMEOUT_MS: ${timeouts.join(', ')}`),
  },
  {
    name: 'dropped connection',
    arm: (h) => (h.target.proxy.setFault({ kind: 'drop' }), true),
    disarm: (h) => h.target.proxy.setFault(null),
    state: 'stale',
    error: /cannot reach 127\.0\.0\.1:\d+ \(/,
    maxRequests: retried,
  },
  {
    name: 'offline (connection refused)',
    arm: async (h) => (await h.target.proxy.setOffline(true), true),
    disarm: (h) => h.target.proxy.setOffline(false),
    state: 'stale',
    error: /cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    maxRequests: () => 0,
  },
  {
    name: 'HTTP 500',
    arm: (h) => (h.target.proxy.setFault({ kind: 'status', status: 500 }), true),
    disarm: (h) => h.target.proxy.setFault(null),
    state: 'stale',
    error: /server error at 127\.0\.0\.1:\d+ \(HTTP 500/,
    maxRequests: retried,
  },
  {
    name: 'HTTP 500 once (transient)',
    arm: (h) => (h.target.proxy.setFault({ kind: 'status', status: 500, times: 1 }), true),
    disarm: (h) => h.target.proxy.setFault(null),
    state: 'ok',
    okOutcome: 'ok: retried within the refresh',
    maxRequests: (_h, normal) => normal + 1,
  },
  {
    name: '503 Retry-After 2',
    arm: (h) => (h.target.proxy.setFault({ kind: 'status', status: 503, retryAfter: '2' }), true),
    disarm: (h) => h.target.proxy.setFault(null),
    state: 'stale',
    error: /rate limited by 127\.0\.0\.1:\d+ \(HTTP 503\)/,
    maxRequests: retried,
    check: (_h, waits) => assert.ok(waits.length === RETRIES && waits.every((w) => w >= 2000), `waited at least Retry-After between tries: ${waits.join(', ')}`),
    quiet: [1000],
    recoverAfterMs: 1500,
  },
  {
    name: '429 without Retry-After',
    arm: (h) => (h.target.proxy.setFault({ kind: 'status', status: 429 }), true),
    disarm: (h) => h.target.proxy.setFault(null),
    state: 'stale',
    error: /rate limited by 127\.0\.0\.1:\d+ \(HTTP 429\)/,
    maxRequests: () => 1,
    quiet: [30_000],
    recoverAfterMs: 31_000,
  },
  {
    name: '429 Retry-After 3600',
    arm: (h) => (h.target.proxy.setFault({ kind: 'status', status: 429, retryAfter: '3600' }), true),
    disarm: (h) => h.target.proxy.setFault(null),
    state: 'stale',
    error: /rate limited by 127\.0\.0\.1:\d+ \(HTTP 429\)/,
    maxRequests: () => 1,
    // Two refreshes inside the hour (after 10 and 50 minutes) make no request at all.
    quiet: [10 * 60_000, 40 * 60_000],
    recoverAfterMs: 11 * 60_000,
  },
  {
    name: '429 Retry-After 1, once',
    arm: (h) => (h.target.proxy.setFault({ kind: 'status', status: 429, retryAfter: '1', times: 1 }), true),
    disarm: (h) => h.target.proxy.setFault(null),
    state: 'ok',
    okOutcome: 'ok: retried after Retry-After',
    maxRequests: (_h, normal) => normal + 1,
    check: (_h, waits) => assert.ok(waits.some((w) => w >= 1000), 'the retry waited for Retry-After'),
  },
  {
    name: 'truncated JSON',
    arm: (h) => h.target.contentFault('truncated'),
    disarm: (h) => void h.target.contentFault(null),
    state: 'stale',
    error: /returned something that is not JSON/,
    maxRequests: () => 1,
  },
  {
    name: 'HTML page instead of JSON',
    arm: (h) => h.target.contentFault('malformed'),
    disarm: (h) => void h.target.contentFault(null),
    state: 'stale',
    error: /returned something that is not JSON \(\d+ bytes, starting "<!doctype html>/,
    maxRequests: () => 1,
  },
  {
    name: 'wrong types',
    arm: (h) => h.target.contentFault('wrong_types'),
    disarm: (h) => void h.target.contentFault(null),
    state: 'stale',
    error: /returned an unexpected response: .*expected number/,
    maxRequests: () => 1,
  },
  {
    name: '50 MB body (streamed)',
    arm: (h) => (h.target.proxy.setFault({ kind: 'huge', bytes: 50 * MB }), true),
    disarm: (h) => h.target.proxy.setFault(null),
    state: 'stale',
    error: /larger than the 20971520-byte limit/,
    maxRequests: () => 1,
    // The client stopped reading at the cap: the server could not push the whole 50 MB.
    check: (h) => assert.ok(h.target.proxy.hugeBytesSent < MAX_RESPONSE_BYTES + 16 * MB, `server wrote ${h.target.proxy.hugeBytesSent} bytes before the client hung up`),
  },
  {
    name: '50 MB body (Content-Length)',
    arm: (h) => (h.target.proxy.setFault({ kind: 'huge', bytes: 50 * MB, declared: true }), true),
    disarm: (h) => h.target.proxy.setFault(null),
    state: 'stale',
    error: /is 52428800 bytes, over the 20971520-byte limit/,
    maxRequests: () => 1,
    check: (h) => assert.ok(h.target.proxy.hugeBytesSent < 16 * MB, `refused on the declared length (${h.target.proxy.hugeBytesSent} bytes written)`),
  },
  {
    name: 'endless next_page',
    arm: (h) => h.target.contentFault('endless_paging'),
    disarm: (h) => void h.target.contentFault(null),
    state: 'stale',
    error: /kept paging past \d+ pages|same next_cursor twice/,
    maxRequests: (h) => (h.target.maxPages ?? 0) + 3,
    notApplicable: 'no paged endpoint (one /key reading per refresh)',
  },
  {
    name: 'wrong key (HTTP 401)',
    arm: (h) => ((h.key = WRONG_KEYS[h.target.id]), true),
    disarm: (h) => void (h.key = KEYS[h.target.id]),
    state: 'stale',
    error: /the key was rejected \(HTTP 401/,
    maxRequests: () => 1,
  },
  {
    name: 'server echoes the key',
    arm: (h) => {
      const key = h.key;
      const message = `Invalid key ${key}; it starts ${key.slice(0, 14)} and ends ${key.slice(-12)}; Bearer ${key}`;
      h.target.proxy.setFault({ kind: 'status', status: 401, body: JSON.stringify({ error: { message, code: 401 }, message, detail: message }) });
      return true;
    },
    disarm: (h) => h.target.proxy.setFault(null),
    state: 'stale',
    error: /the key was rejected \(HTTP 401: ".*\[redacted\]/,
    maxRequests: () => 1,
    check: (h) => {
      for (const fragment of keyFragments(h.key, publicKeyPrefix(h.key))) assert.ok(!(h.status.error ?? '').includes(fragment), `no part of the key in ${h.status.error}`);
    },
  },
  {
    name: 'clock jumps a day ahead',
    arm: (h) => (h.advance(DAY_MS), true),
    disarm: () => undefined,
    state: 'ok',
    okOutcome: 'ok: no row lost',
    maxRequests: (_h, normal) => normal + 4,
    clockMoves: true,
  },
  {
    name: 'clock jumps a day back',
    arm: (h) => (h.advance(-DAY_MS), true),
    disarm: () => undefined,
    state: 'ok',
    okOutcome: 'ok: no row lost',
    maxRequests: (_h, normal) => normal + 4,
    clockMoves: true,
  },
  {
    name: '429 Retry-After 60, clock a day back',
    // Rate limited at a clock running a day ahead; then the clock is put right. The wait now
    // reaches more than a day ahead: a clock that went back, not honoured (else a day lost).
    arm: (h) => (h.advance(DAY_MS), h.target.proxy.setFault({ kind: 'status', status: 429, retryAfter: '60' }), true),
    disarm: (h) => h.target.proxy.setFault(null),
    state: 'stale',
    error: /rate limited by 127\.0\.0\.1:\d+ \(HTTP 429\)/,
    maxRequests: () => 1,
    recoverAfterMs: -DAY_MS,
    clockMoves: true,
  },
];

/** "Allowance gateway: server error at 127.0.0.1:41234 (HTTP 500: …" → "server error (HTTP 500 …". */
function shortError(message: string | undefined): string {
  if (!message) return '';
  const text = message
    .replace(/^[^:]+: /, '')
    .replace(/127\.0\.0\.1:\d+/g, 'host')
    .replace(/GET \/\S+ /, '')
    .replace(/ until \d{1,2}:\d{2}:\d{2}( [AP]M)?/, '')
    .replace(/^A response was larger than/, 'larger than')
    .replace(/^The response from host is (\d+) bytes, over/, '$1 bytes declared, over');
  const cut = text.search(/[.(:;]/);
  const head = cut > 8 ? text.slice(0, cut).trim() : text.slice(0, 48);
  const status = /HTTP (\d{3})/.exec(text)?.[0] ?? /\((E[A-Z_]+)\)/.exec(text)?.[1];
  return status && !head.includes(status) ? `${head} (${status})` : head;
}

for (const { name, start } of TARGETS) {
  void describe(`faults: ${name}`, { timeout: 60_000 }, () => {
    let h: Harness;
    let normal = 0;
    let spent = 0;
    let total = 0;

    void it('a healthy first refresh, then a healthy warm one', async () => {
      const target = await start();
      targets.push(target);
      h = await Harness.start(target);
      harnesses.push(h);
      const cold = await h.refresh('cold');
      assert.equal(h.status.state, 'ok', h.status.error);
      assert.ok(cold > 0);
      h.advance(60_000);
      normal = await h.refresh('warm');
      assert.equal(h.status.state, 'ok', h.status.error);
      spent = h.service.snapshot.status.spent;
      total = h.ledgerTotal;
      assert.ok(spent > 0, `${target.label} has spend`);
      table.push({ source: target.label, fault: 'none (warm refresh)', requests: String(normal), outcome: `ok, $${spent.toFixed(2)} this year` });
    });

    for (const c of CASES) {
      void it(c.name, async () => {
        h.advance(60_000);
        const waitsBefore = h.waits.length;
        const timeoutsBefore = h.timeouts.length;
        if (!(await c.arm(h))) {
          table.push({ source: h.target.label, fault: c.name, requests: '–', outcome: `n/a: ${c.notApplicable ?? ''}` });
          return;
        }
        let made: number;
        try {
          made = await h.refresh(c.name); // resolves: a source's failure never throws out of refresh
        } finally {
          if (c.quiet === undefined && c.recoverAfterMs === undefined) await c.disarm(h);
        }
        const faulted = h.status;
        const snapshot = h.service.snapshot;
        // A clear state, a specific message.
        assert.equal(faulted.state, c.state, `${c.name}: state ${faulted.state} (${faulted.error ?? 'no error'})`);
        if (c.error) assert.match(faulted.error ?? '', c.error);
        if (c.state === 'stale') assert.equal(snapshot.stale, true, 'the meter is marked stale');
        // Bounded requests.
        const bound = c.maxRequests(h, normal);
        assert.ok(made <= bound, `${c.name}: ${made} requests, at most ${bound}`);
        // No data lost.
        if (c.clockMoves) assert.ok(h.ledgerTotal >= total - 0.005, `ledger total ${h.ledgerTotal} kept (was ${total})`);
        else assert.ok(Math.abs(snapshot.status.spent - spent) < 0.005, `spend kept: ${snapshot.status.spent} vs ${spent}`);
        c.check?.(h, h.waits.slice(waitsBefore), h.timeouts.slice(timeoutsBefore));
        const quietCounts: number[] = [];
        for (const ms of c.quiet ?? []) {
          h.advance(ms);
          quietCounts.push(await h.refresh(`${c.name}: waiting`));
          assert.equal(h.status.state, 'stale', 'still stale while waiting');
          assert.ok(Math.abs(h.service.snapshot.status.spent - spent) < 0.005, 'spend kept while waiting');
        }
        assert.deepEqual(quietCounts, quietCounts.map(() => 0), 'no request before Retry-After');
        // Recovery.
        if (c.quiet !== undefined || c.recoverAfterMs !== undefined) await c.disarm(h);
        if (c.recoverAfterMs !== undefined) h.advance(c.recoverAfterMs);
        const recovery = await h.refresh(`${c.name}: recovered`);
        assert.equal(h.status.state, 'ok', `${c.name}: recovered (${h.status.error ?? ''})`);
        assert.ok(recovery > 0, 'the recovery refresh asked the server');
        if (c.clockMoves) {
          assert.ok(h.ledgerTotal >= total - 0.005, 'ledger total kept after recovery');
          total = h.ledgerTotal;
          spent = h.service.snapshot.status.spent;
        } else {
          assert.ok(Math.abs(h.service.snapshot.status.spent - spent) < 0.005, 'spend unchanged after recovery');
        }
        const requests = [String(made), ...quietCounts.map((n) => `+${n}`)].join(' ');
        const outcome = c.state === 'ok' ? (c.okOutcome ?? 'ok') : `stale, spend kept: ${shortError(faulted.error)}; recovered`;
        table.push({ source: h.target.label, fault: c.name, requests: `${requests} (≤${bound}) → ${recovery}`, outcome });
      });
    }
  });
}

void describe('after a run full of errors', () => {
  void it('no key, nor any 9 characters of one, in the logs, the snapshot, the ledger file or a CSV export', async () => {
    assert.equal(harnesses.length, TARGETS.length);
    const texts: [string, string][] = [];
    for (const h of harnesses) {
      texts.push([`${h.target.id} log`, h.logs.join('\n')]);
      texts.push([`${h.target.id} snapshot`, JSON.stringify(h.service.snapshot)]);
      texts.push([`${h.target.id} ledger file`, await readFile(h.store.file, 'utf8')]);
      texts.push([`${h.target.id} CSV`, ledgerCsv(h.service.ledgerRows)]);
    }
    const logLines = harnesses.reduce((n, h) => n + h.logs.length, 0);
    assert.ok(logLines > 100, `a run full of errors logged ${logLines} lines`);
    const errors = harnesses.flatMap((h) => h.logs.filter((l) => l.startsWith('warn ')));
    assert.ok(errors.length > CASES.length * 3, 'the failures were logged');
    for (const key of [...Object.values(KEYS), ...Object.values(WRONG_KEYS)]) {
      const fragments = keyFragments(key, publicKeyPrefix(key));
      for (const [where, text] of texts) {
        assert.ok(!text.includes(key), `${where} contains a key`);
        for (const f of fragments) assert.ok(!text.includes(f), `${where} contains "${f}", part of a key`);
      }
    }
  });

  void it('prints the fault table (fault, requests made, outcome)', () => {
    const applicable = table.filter((r) => !r.outcome.startsWith('n/a'));
    assert.equal(table.length, TARGETS.length * (CASES.length + 1));
    assert.ok(applicable.length >= TARGETS.length * CASES.length - 1);
    const header: Row = { source: 'source', fault: 'fault', requests: 'requests (bound) → on recovery', outcome: 'outcome' };
    const cols = (['source', 'fault', 'requests', 'outcome'] as const).map((k) => Math.max(...[header, ...table].map((r) => r[k].length)));
    const line = (r: Row) => `| ${[r.source, r.fault, r.requests, r.outcome].map((v, i) => v.padEnd(cols[i] ?? 0)).join(' | ')} |`;
    console.log(['', line(header), `|${cols.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.map(line), ''].join('\n'));
  });
});

after(async () => {
  await Promise.all(targets.map((t) => t.close()));
});
