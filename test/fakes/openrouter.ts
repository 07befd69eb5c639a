/**
 * A local fake of OpenRouter's key endpoints on 127.0.0.1, answering like the real ones. Its
 * bodies are built from the fixtures in test/fixtures/openrouter (see the README there for each
 * one's upstream reference), so the fake cannot drift from what the tests were written against:
 *
 *   GET /api/v1/key         `key.json` (a normal key) or whatever the test sets (`keyData`)
 *   GET /api/v1/auth/key    the same (legacy alias)
 *   GET /api/v1/activity    management keys only: `{data: [...]}`, each entry the test sets laid
 *                           over a row of `activity.json` and dated as live answers date it
 *                           ("2026-08-23 00:00:00"); otherwise 403 as `credits-403.json`
 *   GET /api/v1/credits     management keys only (`{data: {total_credits, total_usage}}`);
 *                           otherwise `credits-403.json`
 *
 * Errors use OpenRouter's `{"error":{"code":<int>,"message":"…","metadata"?}}`. A test can play a
 * sequence of readings by replacing `keyData`.
 */
import { fixture, fixtureBody } from '../fixtures/load';
import type { FaultScope, LoggedRequest, Reply, ServedRequest } from './providerFake';
import { servedRequests, startFake } from './providerFake';

type Json = Readonly<Record<string, unknown>>;

function keyDataOf(name: string): Json {
  const body = fixtureBody<{ data: Json }>('openrouter', name);
  return body.data;
}

/** The documented `/key` 200 example (the spec's, `key.json`). */
export const DOCUMENTED_KEY_DATA: Json = keyDataOf('key');
/** `/key` as a management key reads it (`key-management.json`): its own usage is always 0. */
export const MANAGEMENT_KEY_DATA: Json = keyDataOf('key-management');
/** The documented `/activity` example entry (the spec's, `activity-spec.json`: a bare YYYY-MM-DD date). */
export const DOCUMENTED_ACTIVITY_ENTRY: Json = fixtureBody<{ data: Json[] }>('openrouter', 'activity-spec').data[0] ?? {};
/** An `/activity` row as live answers send it (`activity.json`): the template of every row the fake serves. */
export const LIVE_ACTIVITY_ENTRY: Json = fixtureBody<{ data: Json[] }>('openrouter', 'activity').data[0] ?? {};
/** The time part live `/activity` dates carry after the day (" 00:00:00" in `activity.json`). */
export const LIVE_ACTIVITY_TIME = /^\d{4}-\d{2}-\d{2}(.*)$/.exec(String(LIVE_ACTIVITY_ENTRY['date']))?.[1] ?? '';

/** An `/activity` entry as the fake serves it: a live row with these fields, a bare date given the live time part. */
export function liveActivityEntry(entry: Json): Record<string, unknown> {
  const out: Record<string, unknown> = { ...LIVE_ACTIVITY_ENTRY, ...entry };
  if (typeof out['date'] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(out['date'])) out['date'] = `${out['date']}${LIVE_ACTIVITY_TIME}`;
  return out;
}

export type OpenRouterFault = FaultScope &
  (
    | { kind: 'status'; status: number; message?: string; retryAfter?: number; metadata?: Record<string, unknown>; body?: unknown }
    | { kind: 'malformed' }
    | { kind: 'truncated' }
    | { kind: 'wrong_types' }
  );

export interface OpenRouterFake {
  /** The API base, e.g. `http://127.0.0.1:4321/api/v1`. */
  readonly baseUrl: string;
  /** Every request served so far, oldest first (a fresh copy on every read). */
  readonly requests: ServedRequest[];
  /** The accepted bearer key. */
  key: string;
  /** What `/key` returns in `data` (replace it to play the next reading). */
  keyData: Record<string, unknown>;
  /**
   * The entries `/activity` returns in `data`, each laid over a live row (`liveActivityEntry`): a
   * bare `YYYY-MM-DD` date is served with the live time part. Set `rawActivity` to serve entries as given.
   */
  activity: Record<string, unknown>[];
  /** When true, `activity` is served exactly as set (e.g. the spec's bare-date example, or a broken date). */
  rawActivity: boolean;
  /** What `/credits` returns in `data` to a management key. */
  credits: { total_credits: number; total_usage: number };
  setFault(fault: OpenRouterFault | null): void;
  close(): Promise<void>;
}

export function openrouterError(status: number, message: string, metadata?: Record<string, unknown>): Reply {
  return { status, body: { error: { code: status, message, ...(metadata ? { metadata } : {}) } } };
}

export async function startOpenRouterFake(options: { key: string; keyData?: Record<string, unknown>; activity?: Record<string, unknown>[] }): Promise<OpenRouterFake> {
  const server = await startFake<OpenRouterFault>({
    handle: (request) => route(fake, request),
    errorBody: (status, message) => openrouterError(status, message).body,
    faultBody: (f) => (f.body !== undefined ? f.body : openrouterError(f.status, f.message ?? `Simulated failure (HTTP ${f.status})`, f.metadata).body),
    wrongTypes: (reply) => {
      const body = structuredClone(reply) as { data: Record<string, unknown> | Record<string, unknown>[] };
      if (Array.isArray(body.data)) {
        const first = body.data[0];
        if (first) first['usage'] = String(first['usage']);
      } else {
        body.data['usage'] = String(body.data['usage']);
      }
      return body;
    },
    malformedPage: '<!doctype html><html><body>OpenRouter</body></html>',
  });
  const fake: OpenRouterFake = {
    baseUrl: `${server.url}/api/v1`,
    get requests() {
      return servedRequests(server.requests);
    },
    key: options.key,
    keyData: options.keyData ?? { ...DOCUMENTED_KEY_DATA },
    activity: options.activity ?? [],
    rawActivity: false,
    credits: { total_credits: 100.5, total_usage: 25.75 },
    setFault: (f) => server.setFault(f),
    close: () => server.close(),
  };
  return fake;
}

function route(fake: OpenRouterFake, request: LoggedRequest): Reply {
  const { path } = request;
  const auth = request.headers['authorization'];
  if (auth === undefined) return openrouterError(401, 'Missing Authentication header');
  if (auth !== `Bearer ${fake.key}`) return openrouterError(401, 'User not found.');
  if (path === '/api/v1/key' || path === '/api/v1/auth/key') return { status: 200, body: { data: fake.keyData } };
  if (path === '/api/v1/activity' || path === '/api/v1/credits') {
    if (fake.keyData['is_management_key'] !== true) {
      const refused = fixture('openrouter', 'credits-403');
      return { status: refused.status, body: refused.body };
    }
    if (path === '/api/v1/credits') return { status: 200, body: { data: fake.credits } };
    const hash = request.query['api_key_hash']?.at(-1);
    const entries = fake.activity.filter((e) => hash === undefined || e['api_key_hash'] === undefined || e['api_key_hash'] === hash);
    return { status: 200, body: { data: fake.rawActivity ? entries : entries.map((e) => liveActivityEntry(withoutHash(e))) } };
  }
  return openrouterError(404, 'Not Found');
}

/** An entry without the fake's own `api_key_hash` tag (which key made it; not a field OpenRouter returns). */
function withoutHash(entry: Record<string, unknown>): Record<string, unknown> {
  const { api_key_hash: _hash, ...rest } = entry;
  return rest;
}
