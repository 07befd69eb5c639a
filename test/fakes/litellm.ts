/**
 * A local fake of a LiteLLM proxy's management endpoints on 127.0.0.1, answering like the real
 * ones (usage-apis.md §4; `BerriAI/litellm` `key_management_endpoints.py`, `internal_user_endpoints.py`,
 * `team_endpoints.py`, `common_daily_activity.py`):
 *
 *   GET /key/info                 {key, info: LiteLLM_VerificationToken row + litellm_budget_table}
 *   GET /user/info?user_id=       {user_id, user_info, keys, teams}; 404 for an unknown user
 *   GET /team/info?team_id=       {team_id, team_info, keys, team_memberships}; 403 unless the key
 *                                 belongs to the team or its user is a member
 *   GET /user/daily/activity      paged over RAW daily-spend rows (date desc, then id), each page
 *                                 aggregated per date: a day can be split over two pages, as in
 *                                 the real proxy. Non-admin keys asking for another user_id get
 *                                 403 {"detail":{"error":"Non-admin users can only view their own spend data."}}
 *
 * Errors use the proxy's envelope `{"error":{"message","type","param","code"}}` (auth errors from
 * `user_api_key_auth`) or FastAPI's `{"detail":{"error":…}}` (HTTPExceptions raised by the
 * endpoints), as LiteLLM does. Faults can be set per path, for a number of requests.
 */
import type { EndlessPaging, FaultScope, LoggedRequest, Reply, ServedRequest } from './providerFake';
import { servedRequests, startFake } from './providerFake';

export interface BudgetTableRow {
  max_budget?: number | null;
  soft_budget?: number | null;
  budget_duration?: string | null;
  budget_reset_at?: string | null;
}

export interface FakeKey {
  /** The bearer secret. */
  secret: string;
  user_id?: string | null;
  team_id?: string | null;
  role?: 'internal_user' | 'proxy_admin';
  spend?: number;
  max_budget?: number | null;
  budget_duration?: string | null;
  budget_reset_at?: string | null;
  key_alias?: string | null;
  litellm_budget_table?: BudgetTableRow | null;
  /** Extra fields copied into `info` as they are (e.g. wrong types). */
  extra?: Record<string, unknown>;
}

export interface FakeUser {
  user_id: string;
  user_email?: string | null;
  spend?: number;
  max_budget?: number | null;
  budget_duration?: string | null;
  budget_reset_at?: string | null;
}

export interface FakeTeam {
  team_id: string;
  team_alias?: string | null;
  spend?: number;
  max_budget?: number | null;
  budget_duration?: string | null;
  budget_reset_at?: string | null;
  members: string[];
  memberships?: { user_id: string; spend?: number; litellm_budget_table?: BudgetTableRow | null }[];
}

/** One row of LiteLLM_DailyUserSpend. */
export interface SpendRow {
  user_id: string;
  date: string;
  api_key: string;
  model: string | null;
  spend: number;
  prompt_tokens?: number;
  completion_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
  api_requests?: number;
}

export interface LiteLLMFakeData {
  keys: FakeKey[];
  users: FakeUser[];
  teams: FakeTeam[];
  spend: SpendRow[];
}

export type LiteLLMFault = FaultScope &
  (
    | { kind: 'status'; status: number; message?: string; type?: string; code?: string | number; retryAfter?: number; body?: unknown }
    | { kind: 'malformed' }
    | { kind: 'truncated' }
    | { kind: 'wrong_types' }
    | { kind: 'endless_paging' }
  );

export interface LiteLLMFakeOptions {
  data: LiteLLMFakeData;
  /** "nested" (current: breakdown values are `{metrics, metadata}`) or "flat" (older, as in the documented example). */
  shape?: 'nested' | 'flat';
  /** Leave `has_more`/`total_pages` out of the metadata (older versions). */
  legacyMetadata?: boolean;
}

export interface LiteLLMFake {
  readonly url: string;
  /** Every request served so far, oldest first (a fresh copy on every read). */
  readonly requests: ServedRequest[];
  data: LiteLLMFakeData;
  shape: 'nested' | 'flat';
  legacyMetadata: boolean;
  setFault(fault: LiteLLMFault | null): void;
  close(): Promise<void>;
}

/** The proxy's error envelope (ProxyException). */
export function proxyError(status: number, message: string, type = 'auth_error', code: string | number = String(status), param: string | null = 'None'): Reply {
  return { status, body: { error: { message, type, param, code } } };
}

/** FastAPI's envelope for HTTPException(detail={"error": …}). */
function detailError(status: number, error: string): Reply {
  return { status, body: { detail: { error } } };
}

interface Metrics {
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  total_tokens: number;
  successful_requests: number;
  failed_requests: number;
  api_requests: number;
}

const zero = (): Metrics => ({ spend: 0, prompt_tokens: 0, completion_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, total_tokens: 0, successful_requests: 0, failed_requests: 0, api_requests: 0 });

function add(m: Metrics, r: SpendRow): void {
  m.spend += r.spend;
  m.prompt_tokens += r.prompt_tokens ?? 0;
  m.completion_tokens += r.completion_tokens ?? 0;
  m.cache_read_input_tokens += r.cache_read_input_tokens ?? 0;
  m.cache_creation_input_tokens += r.cache_creation_input_tokens ?? 0;
  m.total_tokens += (r.prompt_tokens ?? 0) + (r.completion_tokens ?? 0);
  m.api_requests += r.api_requests ?? 0;
  m.successful_requests += r.api_requests ?? 0;
}

/** Aggregates one page of raw rows per date, like `_aggregate_spend_records`. */
function aggregatePage(rows: readonly SpendRow[], shape: 'nested' | 'flat'): unknown[] {
  const byDate = new Map<string, { metrics: Metrics; models: Map<string, Metrics>; keys: Map<string, Metrics> }>();
  for (const r of rows) {
    let day = byDate.get(r.date);
    if (!day) {
      day = { metrics: zero(), models: new Map(), keys: new Map() };
      byDate.set(r.date, day);
    }
    add(day.metrics, r);
    if (r.model) {
      const m = day.models.get(r.model) ?? zero();
      add(m, r);
      day.models.set(r.model, m);
    }
    const k = day.keys.get(r.api_key) ?? zero();
    add(k, r);
    day.keys.set(r.api_key, k);
  }
  const wrap = (m: Metrics, metadata: Record<string, unknown>) => (shape === 'nested' ? { metrics: m, metadata, api_key_breakdown: {} } : m);
  return [...byDate]
    .sort(([a], [b]) => (a < b ? 1 : -1))
    .map(([date, day]) => ({
      date,
      metrics: day.metrics,
      breakdown: {
        mcp_servers: {},
        models: Object.fromEntries([...day.models].map(([model, m]) => [model, wrap(m, {})])),
        model_groups: {},
        providers: {},
        endpoints: {},
        api_keys: Object.fromEntries([...day.keys].map(([key, m]) => [key, wrap(m, { key_alias: null, team_id: null })])),
        entities: {},
      },
    }));
}

function keyInfoRow(k: FakeKey): Record<string, unknown> {
  return {
    key_name: `sk-...${k.secret.slice(-4)}`,
    key_alias: k.key_alias ?? null,
    soft_budget_cooldown: false,
    spend: k.spend ?? 0,
    expires: null,
    models: [],
    aliases: {},
    config: {},
    user_id: k.user_id ?? null,
    team_id: k.team_id ?? null,
    permissions: {},
    max_parallel_requests: null,
    metadata: {},
    blocked: null,
    tpm_limit: null,
    rpm_limit: null,
    max_budget: k.max_budget ?? null,
    budget_duration: k.budget_duration ?? null,
    budget_reset_at: k.budget_reset_at ?? null,
    allowed_cache_controls: [],
    allowed_routes: [],
    model_spend: {},
    model_max_budget: {},
    budget_id: null,
    organization_id: null,
    object_permission_id: null,
    created_at: '2026-01-05T09:00:00.000000Z',
    updated_at: '2026-01-05T09:00:00.000000Z',
    litellm_budget_table: k.litellm_budget_table ?? null,
    object_permission: null,
    ...k.extra,
  };
}

function teamRow(t: FakeTeam): Record<string, unknown> {
  return {
    team_id: t.team_id,
    team_alias: t.team_alias ?? null,
    organization_id: null,
    admins: [],
    members: [],
    members_with_roles: t.members.map((user_id) => ({ user_id, user_email: null, role: 'user' })),
    metadata: {},
    tpm_limit: null,
    rpm_limit: null,
    max_budget: t.max_budget ?? null,
    budget_duration: t.budget_duration ?? null,
    budget_reset_at: t.budget_reset_at ?? null,
    models: [],
    blocked: false,
    spend: t.spend ?? 0,
    max_parallel_requests: null,
    model_id: null,
    created_at: '2026-01-02T09:00:00.000000Z',
  };
}

/** Page-number paging (`page`, `total_pages`, `has_more`): every page says another one follows. */
const ENDLESS_PAGES: EndlessPaging = {
  request: (request) => request,
  body: (body) => {
    const metadata = (body as { metadata?: Record<string, unknown> }).metadata;
    if (metadata && typeof metadata['page'] === 'number') {
      metadata['total_pages'] = metadata['page'] + 1;
      metadata['has_more'] = true;
    }
    return body;
  },
};

export async function startLiteLLMFake(options: LiteLLMFakeOptions): Promise<LiteLLMFake> {
  const server = await startFake<LiteLLMFault>({
    handle: (request) => route(fake, request),
    errorBody: (status, message, type) => proxyError(status, message, type ?? 'internal_server_error', String(status)).body,
    faultBody: (f) => (f.body !== undefined ? f.body : proxyError(f.status, f.message ?? `Simulated failure (HTTP ${f.status})`, f.type ?? (f.status >= 500 ? 'internal_server_error' : 'bad_request_error'), f.code ?? String(f.status)).body),
    wrongTypes: (reply) => {
      const body = structuredClone(reply) as { info?: { spend?: unknown }; results?: { metrics: { spend: unknown } }[] };
      if (body.info) body.info.spend = String(body.info.spend);
      const first = body.results?.[0];
      if (first) first.metrics.spend = String(first.metrics.spend);
      return body;
    },
    malformedPage: '<!doctype html><html><body><h1>LiteLLM Admin UI</h1></body></html>',
    endlessPaging: ENDLESS_PAGES,
  });
  const fake: LiteLLMFake = {
    url: server.url,
    get requests() {
      return servedRequests(server.requests);
    },
    data: options.data,
    shape: options.shape ?? 'nested',
    legacyMetadata: options.legacyMetadata ?? false,
    setFault: (f) => server.setFault(f),
    close: () => server.close(),
  };
  return fake;
}

function route(fake: LiteLLMFake, request: LoggedRequest): Reply {
  const { path } = request;
  const q = (name: string): string | null => request.query[name]?.[0] ?? null;
  const auth = request.headers['authorization'] ?? '';
  const bearer = auth.startsWith('Bearer ') ? auth.slice(7) : '';
  const key = fake.data.keys.find((k) => k.secret === bearer);
  if (!key) {
    const shown = bearer.length > 4 ? `sk-...${bearer.slice(-4)}` : bearer;
    return proxyError(401, `Authentication Error, Invalid proxy server token passed. Received API Key = ${shown}, Key Hash (Token) =0f3a. Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``, 'auth_error', '401');
  }
  const admin = key.role === 'proxy_admin';

  if (path === '/key/info') {
    return { status: 200, body: { key: `sk-...${key.secret.slice(-4)}`, info: keyInfoRow(key) } };
  }

  if (path === '/user/info') {
    const userId = q('user_id') ?? key.user_id ?? null;
    if (userId === null) {
      return proxyError(404, `User None not found`, 'not_found', '404', 'user_id');
    }
    const user = fake.data.users.find((u) => u.user_id === userId);
    if (!user) return proxyError(404, `User ${userId} not found`, 'not_found', '404', 'user_id');
    const teams = fake.data.teams.filter((t) => t.members.includes(userId)).map(teamRow);
    return {
      status: 200,
      body: {
        user_id: userId,
        user_info: {
          user_id: userId,
          user_alias: null,
          team_id: null,
          teams: teams.map((t) => t['team_id']),
          user_role: key.role ?? 'internal_user',
          max_budget: user.max_budget ?? null,
          spend: user.spend ?? 0,
          user_email: user.user_email ?? null,
          models: [],
          metadata: {},
          budget_duration: user.budget_duration ?? null,
          budget_reset_at: user.budget_reset_at ?? null,
          model_spend: {},
        },
        keys: fake.data.keys.filter((k) => k.user_id === userId).map(keyInfoRow),
        teams,
      },
    };
  }

  if (path === '/team/info') {
    const teamId = q('team_id');
    if (teamId === null) return proxyError(422, "{'message': 'Malformed request. No team id passed in.'}", 'auth_error', 422);
    const team = fake.data.teams.find((t) => t.team_id === teamId);
    if (!team) return proxyError(404, `{'message': 'Team not found, passed team id: ${teamId}.'}`, 'auth_error', 404);
    if (!admin && key.team_id !== teamId && !team.members.includes(key.user_id ?? '')) {
      return proxyError(403, `{'error': 'User=${key.user_id ?? 'None'} not authorized to access this team=${teamId}'}`, 'auth_error', 403);
    }
    return {
      status: 200,
      body: {
        team_id: teamId,
        team_info: teamRow(team),
        keys: fake.data.keys.filter((k) => k.team_id === teamId).map(keyInfoRow),
        team_memberships: (team.memberships ?? []).map((m) => ({ user_id: m.user_id, team_id: teamId, budget_id: m.litellm_budget_table ? 'budget-1' : null, spend: m.spend ?? 0, litellm_budget_table: m.litellm_budget_table ?? null })),
      },
    };
  }

  if (path === '/user/daily/activity') {
    const start = q('start_date');
    const end = q('end_date');
    if (start === null || end === null) return detailError(400, 'Please provide start_date and end_date');
    const page = Number(q('page') ?? '1');
    const pageSize = Number(q('page_size') ?? '50');
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      return { status: 422, body: { detail: [{ type: 'less_than_equal', loc: ['query', 'page_size'], msg: 'Input should be less than or equal to 1000', input: String(pageSize) }] } };
    }
    let userId = q('user_id');
    if (!admin) {
      userId ??= key.user_id ?? null;
      if (userId !== (key.user_id ?? null)) return detailError(403, 'Non-admin users can only view their own spend data.');
    }
    const matching = fake.data.spend
      .map((r, id) => ({ r, id }))
      .filter(({ r }) => (userId === null || r.user_id === userId) && r.date >= start && r.date <= end)
      .sort((a, b) => (a.r.date < b.r.date ? 1 : a.r.date > b.r.date ? -1 : a.id - b.id))
      .map(({ r }) => r);
    const slice = matching.slice((page - 1) * pageSize, page * pageSize);
    const totals = zero();
    for (const r of slice) add(totals, r);
    const totalPages = Math.ceil(matching.length / pageSize);
    const metadata: Record<string, unknown> = {
      total_spend: totals.spend,
      total_prompt_tokens: totals.prompt_tokens,
      total_completion_tokens: totals.completion_tokens,
      total_tokens: totals.total_tokens,
      total_api_requests: totals.api_requests,
      total_successful_requests: totals.successful_requests,
      total_failed_requests: 0,
      total_cache_read_input_tokens: totals.cache_read_input_tokens,
      total_cache_creation_input_tokens: totals.cache_creation_input_tokens,
    };
    if (!fake.legacyMetadata) {
      metadata['page'] = page;
      metadata['total_pages'] = totalPages;
      metadata['has_more'] = page * pageSize < matching.length;
    }
    return { status: 200, body: { results: aggregatePage(slice, fake.shape), metadata } };
  }

  return { status: 404, body: { detail: 'Not Found' } };
}
