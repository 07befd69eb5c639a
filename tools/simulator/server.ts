/**
 * An allowance gateway (protocol v1, docs/allowance-gateway.md) over node:http, serving a
 * simulated history, with injectable faults for tests and a small control API.
 *
 *   GET  /v1/allowance                          the allowance now (`spent` off by `misreportSpent`, if set)
 *   GET  /v1/usage?from&to[&cursor]             daily usage, paged by ≤ pageSize calendar days
 *   POST /__control/fault    body: Fault | null  set or clear the fault (loopback only, no key)
 *   GET  /__control/requests                    the request log (JSON array)
 *   POST /__control/reset                       clear the log and the fault
 *   GET  /__control/data                        the SimData being served
 *
 * Every response carries `X-Allowance-Demo: 1` (the protocol's optional "simulated data" marker).
 * Control requests are not faulted and not logged.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as v from 'valibot';
import { isDayKey, plusDays } from './days';
import { generateHistory, spentInPeriod } from './history';
import type { HistoryOptions, SimData, UsageDay } from './history';

// ---------------------------------------------------------------------------------------------
// Faults

/** Limits a fault: to the next `times` matching requests (then it clears itself), and/or to these paths (exact pathnames, e.g. `/v1/usage`). */
export interface FaultScope {
  times?: number;
  paths?: string[];
}

export type Fault = FaultScope &
  (
    | { kind: 'status'; status: number; code?: string; retryAfter?: number }
    | { kind: 'rate_limit'; retryAfter: number }
    | { kind: 'slow'; delayMs: number }
    | { kind: 'malformed'; contentType?: string }
    | { kind: 'truncated' }
    | { kind: 'wrong_types' }
    | { kind: 'drop' }
    | { kind: 'huge'; bytes: number }
    | { kind: 'endless_paging' }
  );

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const scope = {
  times: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  paths: v.optional(v.array(v.string())),
};

/** Validates a fault arriving over the control API (and in `setFault`). */
export const FaultSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('status'), status: v.pipe(v.number(), v.integer(), v.minValue(400), v.maxValue(599)), code: v.optional(v.string()), retryAfter: v.optional(count), ...scope }),
  v.strictObject({ kind: v.literal('rate_limit'), retryAfter: count, ...scope }),
  v.strictObject({ kind: v.literal('slow'), delayMs: count, ...scope }),
  v.strictObject({ kind: v.literal('malformed'), contentType: v.optional(v.string()), ...scope }),
  v.strictObject({ kind: v.literal('truncated'), ...scope }),
  v.strictObject({ kind: v.literal('wrong_types'), ...scope }),
  v.strictObject({ kind: v.literal('drop'), ...scope }),
  v.strictObject({ kind: v.literal('huge'), bytes: count, ...scope }),
  v.strictObject({ kind: v.literal('endless_paging'), ...scope }),
]);

// A compile-time check that the schema and the `Fault` type agree, both ways.
type SchemaFault = v.InferOutput<typeof FaultSchema>;
const _faultTypesAgree: [SchemaFault] extends [Fault] ? ([Fault] extends [SchemaFault] ? true : false) : false = true;
void _faultTypesAgree;

/** Paths a fault applies to when it names none. */
const DEFAULT_FAULT_PATHS: Record<Fault['kind'], readonly string[] | 'all'> = {
  status: 'all',
  rate_limit: 'all',
  slow: 'all',
  malformed: 'all',
  truncated: 'all',
  wrong_types: 'all',
  drop: 'all',
  huge: 'all',
  endless_paging: ['/v1/usage'],
};

// ---------------------------------------------------------------------------------------------
// Public types

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The HTTP status sent; 0 while no response has been sent, and for a dropped connection. */
  status: number;
  /** When the request arrived (ISO 8601). */
  at: string;
}

export interface SimulatorOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  host?: '127.0.0.1';
  /** The accepted bearer key (default {@link DEFAULT_KEY}). */
  key?: string;
  /** Serve exactly this data. */
  data?: SimData;
  /** Otherwise generate it with these options. Without `history.now` the simulator is live: each request sees the history as of the current time. */
  history?: HistoryOptions;
  /** Calendar days per /v1/usage page, 1–100 (default 100, the protocol's maximum). */
  pageSize?: number;
  /**
   * USD added to the `spent` that /v1/allowance reports (default 0; negative lowers it, never
   * below 0): a gateway whose own total disagrees with its /v1/usage rows, for testing clients'
   * reconciliation. /v1/usage and `data` are not changed.
   */
  misreportSpent?: number;
}

export interface Simulator {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly key: string;
  /** The data being served (in live mode: as of now). */
  readonly data: SimData;
  /** Every request to a non-control path, in order of arrival. */
  readonly requests: readonly RequestLogEntry[];
  setFault(fault: Fault | null): void;
  /** Serve this data from now on (ends live mode). */
  setData(data: SimData): void;
  /** Change the `misreportSpent` offset from now on (0 = report `spent` truthfully). */
  setMisreportSpent(usd: number): void;
  close(): Promise<void>;
}

export const DEFAULT_KEY = 'tb-demo-key';
export const MAX_PAGE_DAYS = 100;

// ---------------------------------------------------------------------------------------------
// Protocol shapes

type ErrorCode = 'invalid_key' | 'forbidden' | 'bad_request' | 'rate_limited' | 'internal';

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const errorReply = (status: number, code: string, message: string, headers?: Record<string, string>): Reply => ({
  status,
  body: { error: { code, message } },
  ...(headers ? { headers } : {}),
});

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'invalid_key';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'internal';
  return 'bad_request';
}

function encodeCursor(date: string): string {
  return Buffer.from(`v1:${date}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const date = text.startsWith('v1:') ? text.slice(3) : '';
  return isDayKey(date) ? date : null;
}

/** The /v1/allowance body; `misreport` USD is added to the true `spent` (kept ≥ 0, in cents). */
function allowanceBody(data: SimData, misreport = 0): Record<string, unknown> {
  const spent = spentInPeriod(data);
  return {
    user: data.user,
    timezone: data.timezone,
    currency: data.currency,
    budget: data.budget,
    spent: misreport === 0 ? spent : Math.max(0, Math.round((spent + misreport) * 100) / 100),
    as_of: data.now,
  };
}

function checkMisreport(usd: number): number {
  if (!Number.isFinite(usd)) throw new RangeError('misreportSpent must be a finite number of USD');
  return usd;
}

function usageReply(data: SimData, query: URLSearchParams, pageSize: number, endless: boolean): Reply {
  const from = query.get('from');
  const to = query.get('to');
  if (from === null || to === null) return errorReply(400, 'bad_request', 'Query parameters `from` and `to` (YYYY-MM-DD) are required.');
  if (!isDayKey(from)) return errorReply(400, 'bad_request', '`from` must be a calendar date written YYYY-MM-DD.');
  if (!isDayKey(to)) return errorReply(400, 'bad_request', '`to` must be a calendar date written YYYY-MM-DD.');
  if (from > to) return errorReply(400, 'bad_request', '`from` must not be after `to`.');

  let start = from;
  const cursor = query.get('cursor');
  if (cursor !== null) {
    const decoded = decodeCursor(cursor);
    if (decoded === null || decoded < from || decoded > to) return errorReply(400, 'bad_request', 'Invalid `cursor` for this `from`/`to`: pass back `next_cursor` unchanged, with the same `from` and `to`.');
    start = decoded;
  }
  const lastOfWindow = plusDays(start, pageSize - 1);
  const end = lastOfWindow < to ? lastOfWindow : to;
  const days: UsageDay[] = data.days.filter((d) => d.date >= start && d.date <= end && d.cost > 0);
  let nextCursor: string | null = end < to ? encodeCursor(plusDays(end, 1)) : null;
  if (endless && nextCursor === null) nextCursor = encodeCursor(start); // the same page, forever
  return { status: 200, body: { days, next_cursor: nextCursor } };
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing

const JSON_TYPE = 'application/json; charset=utf-8';
const BASE_HEADERS = { 'X-Allowance-Demo': '1', 'Cache-Control': 'no-store' } as const;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const MAX_CONTROL_BODY = 1 << 20;

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}, contentType = JSON_TYPE): void {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': contentType, 'Content-Length': String(buf.length), ...headers });
  res.end(buf);
}

/**
 * Streams exactly `bytes` bytes of a JSON array of zeros, `[0,0,…,0]` (valid JSON from 2 bytes
 * up), with backpressure, so tests can ask for hundreds of megabytes.
 */
function sendHuge(res: ServerResponse, bytes: number): void {
  res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': JSON_TYPE, 'Content-Length': String(bytes) });
  if (bytes <= 2) {
    res.end('[]'.slice(0, bytes));
    return;
  }
  // "[" + "0," × pairs + "0" + (" " when bytes is even) + "]"
  let pairs = Math.floor((bytes - 3) / 2);
  const tail = (bytes - 3) % 2 === 1 ? '0 ]' : '0]';
  const chunk = Buffer.from('0,'.repeat(32 * 1024), 'utf8');
  const pump = (): void => {
    while (pairs > 0) {
      const n = Math.min(pairs, chunk.length / 2);
      pairs -= n;
      if (!res.write(n * 2 === chunk.length ? chunk : chunk.subarray(0, n * 2))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(tail);
  };
  res.on('close', () => {
    pairs = 0; // the client went away: stop producing
  });
  res.write('[');
  pump();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_CONTROL_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseFault(input: unknown): Fault | null {
  if (input === null) return null;
  const result = v.safeParse(FaultSchema, input);
  if (!result.success) throw new TypeError(`Invalid fault: ${result.issues.map((i) => i.message).join('; ')}`);
  return result.output;
}

// ---------------------------------------------------------------------------------------------
// The simulator

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const key = opts.key ?? DEFAULT_KEY;
  const host = opts.host ?? '127.0.0.1';
  const pageSize = opts.pageSize ?? MAX_PAGE_DAYS;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_DAYS) throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_DAYS}`);
  let misreport = checkMisreport(opts.misreportSpent ?? 0);

  let fixed: SimData | null = opts.data ?? (opts.history?.now ? generateHistory(opts.history) : null);
  let liveCache: { second: number; data: SimData } | null = null;
  const currentData = (): SimData => {
    if (fixed) return fixed;
    const second = Math.floor(Date.now() / 1000);
    if (liveCache?.second !== second) liveCache = { second, data: generateHistory({ ...opts.history, now: new Date(second * 1000) }) };
    return liveCache.data;
  };

  const log: RequestLogEntry[] = [];
  let fault: Fault | null = null;
  let faultLeft = Infinity;
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  /** Validates (the control API receives untyped JSON) and installs a fault; null clears it. */
  const setFault = (f: unknown): void => {
    fault = parseFault(f);
    faultLeft = fault?.times ?? Infinity;
  };

  /** The fault for this request, if one applies; consumes one of its `times`. */
  const takeFault = (path: string): Fault | null => {
    if (!fault) return null;
    const paths = fault.paths ?? DEFAULT_FAULT_PATHS[fault.kind];
    if (paths !== 'all' && !paths.includes(path)) return null;
    const taken = fault;
    faultLeft -= 1;
    if (faultLeft <= 0) setFault(null);
    return taken;
  };

  const authorised = (req: IncomingMessage): boolean => req.headers.authorization === `Bearer ${key}`;

  const route = (method: string, path: string, query: URLSearchParams, req: IncomingMessage, endless: boolean): Reply => {
    const known = path === '/v1/allowance' || path === '/v1/usage';
    if (!known) return errorReply(404, 'bad_request', `No such endpoint: ${path}`);
    if (method !== 'GET') return errorReply(405, 'bad_request', `${method} is not supported here; use GET.`, { Allow: 'GET' });
    if (!authorised(req)) return errorReply(401, 'invalid_key', 'Missing or invalid API key: send `Authorization: Bearer <key>`.');
    const data = currentData();
    if (path === '/v1/allowance') return { status: 200, body: allowanceBody(data, misreport) };
    return usageReply(data, query, pageSize, endless);
  };

  const handleApi = (req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, path: string, query: URLSearchParams): void => {
    const method = req.method ?? 'GET';
    const respond = (status: number, body: string | Buffer, headers?: Record<string, string>, contentType?: string): void => {
      entry.status = status;
      send(res, status, body, headers, contentType);
    };
    const reply = (r: Reply): void => respond(r.status, JSON.stringify(r.body), r.headers);

    const f = takeFault(path);
    switch (f?.kind) {
      case 'status': {
        const headers = f.retryAfter !== undefined ? { 'Retry-After': String(f.retryAfter) } : undefined;
        return reply(errorReply(f.status, f.code ?? codeForStatus(f.status), `Simulated failure (HTTP ${f.status}).`, headers));
      }
      case 'rate_limit':
        return reply(errorReply(429, 'rate_limited', `Too many requests: retry after ${f.retryAfter} s.`, { 'Retry-After': String(f.retryAfter) }));
      case 'drop':
        entry.status = 0;
        req.socket.destroy();
        return;
      case 'malformed':
        return respond(200, '<!doctype html><html><head><title>Sign in</title></head><body><h1>Please sign in</h1></body></html>', {}, f.contentType ?? JSON_TYPE);
      case 'huge':
        entry.status = 200;
        return sendHuge(res, f.bytes);
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) reply(route(method, path, query, req, false));
        }, f.delayMs);
        timers.add(timer);
        return;
      }
      default:
        break;
    }

    const r = route(method, path, query, req, f?.kind === 'endless_paging');
    if (r.status !== 200 || !f) return reply(r);
    if (f.kind === 'truncated') {
      const json = JSON.stringify(r.body);
      return respond(200, json.slice(0, Math.floor(json.length / 2)));
    }
    if (f.kind === 'wrong_types') {
      const body = r.body as { spent?: number; days?: UsageDay[] };
      const broken: Record<string, unknown> = { ...body };
      if (typeof body.spent === 'number') broken.spent = body.spent.toFixed(2);
      if (body.days) broken.days = body.days.map((d, i) => (i === 0 ? { ...d, cost: d.cost.toFixed(2) } : d));
      return reply({ status: 200, body: broken });
    }
    return reply(r);
  };

  const handleControl = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const json = (status: number, body: unknown): void => send(res, status, JSON.stringify(body));
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return json(403, { error: { code: 'forbidden', message: 'The control API is loopback-only.' } });
    const method = req.method ?? 'GET';
    if (path === '/__control/fault' && method === 'POST') {
      try {
        const text = await readBody(req);
        setFault(JSON.parse(text));
        return json(200, { ok: true, fault });
      } catch (err) {
        return json(400, { error: { code: 'bad_request', message: err instanceof Error ? err.message : String(err) } });
      }
    }
    if (path === '/__control/requests' && method === 'GET') return json(200, log);
    if (path === '/__control/reset' && method === 'POST') {
      log.length = 0;
      setFault(null);
      return json(200, { ok: true });
    }
    if (path === '/__control/data' && method === 'GET') return json(200, currentData());
    return json(404, { error: { code: 'bad_request', message: `No such control endpoint: ${method} ${path}` } });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const path = url.pathname;
    if (path.startsWith('/__control/')) {
      handleControl(req, res, path).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, JSON.stringify({ error: { code: 'internal', message: String(err) } }));
      });
      return;
    }
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path, query: Object.fromEntries(url.searchParams), status: 0, at: new Date().toISOString() };
    log.push(entry);
    try {
      handleApi(req, res, entry, path, url.searchParams);
    } catch (err) {
      entry.status = 500;
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: { code: 'internal', message: String(err) } }));
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    key,
    get data() {
      return currentData();
    },
    get requests() {
      return log;
    },
    setFault,
    setData(data: SimData) {
      fixed = data;
      liveCache = null;
    },
    setMisreportSpent(usd: number) {
      misreport = checkMisreport(usd);
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
