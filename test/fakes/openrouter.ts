/**
 * A local fake of OpenRouter's key endpoints on 127.0.0.1, answering like the real ones
 * (usage-apis.md §3; the `OpenRouterTeam/typescript-sdk` OpenAPI spec):
 *
 *   GET /api/v1/key         {data: {label, usage, usage_daily, usage_weekly, usage_monthly, limit, …}}
 *   GET /api/v1/auth/key    the same (legacy alias)
 *   GET /api/v1/activity    {data: [{date, model, usage, prompt_tokens, …}]}; management keys only,
 *                           otherwise 403 "Only management keys can perform this operation"
 *
 * Errors use OpenRouter's `{"error":{"code":<int>,"message":"…","metadata"?}}`. The key's data
 * is whatever the test sets (`setKey`), so a test can play a sequence of readings.
 */
import type { FaultScope, LoggedRequest, Reply, ServedRequest } from './providerFake';
import { servedRequests, startFake } from './providerFake';

/** The documented `/key` 200 example (spec), values unchanged. */
export const DOCUMENTED_KEY_DATA = {
  byok_usage: 17.38,
  byok_usage_daily: 17.38,
  byok_usage_monthly: 17.38,
  byok_usage_weekly: 17.38,
  creator_user_id: 'user_2dHFtVWx2n56w6HkM0000000000',
  expires_at: '2027-12-31T23:59:59Z',
  include_byok_in_limit: false,
  is_free_tier: false,
  is_management_key: false,
  is_provisioning_key: false,
  label: 'sk-or-v1-au7...890',
  limit: 100,
  limit_remaining: 74.5,
  limit_reset: 'monthly',
  rate_limit: { interval: '1h', note: 'This field is deprecated and safe to ignore.', requests: 1000 },
  usage: 25.5,
  usage_daily: 25.5,
  usage_monthly: 25.5,
  usage_weekly: 25.5,
} as const;

/** The documented `/activity` example entry (spec). */
export const DOCUMENTED_ACTIVITY_ENTRY = {
  byok_usage_inference: 0.012,
  completion_tokens: 125,
  date: '2025-08-24',
  endpoint_id: '550e8400-e29b-41d4-a716-446655440000',
  model: 'openai/gpt-4.1',
  model_permaslug: 'openai/gpt-4.1-2025-04-14',
  prompt_tokens: 50,
  provider_name: 'OpenAI',
  reasoning_tokens: 25,
  requests: 5,
  usage: 0.015,
} as const;

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
  /** What `/activity` returns in `data`. */
  activity: Record<string, unknown>[];
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
  if (path === '/api/v1/activity') {
    if (fake.keyData['is_management_key'] !== true) return openrouterError(403, 'Only management keys can perform this operation');
    return { status: 200, body: { data: fake.activity } };
  }
  return openrouterError(404, 'Not Found');
}
