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
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

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

export interface FaultScope {
  /** Exact pathnames, e.g. `/user/daily/activity`; all paths when absent. */
  paths?: string[];
  /** Applies to the next `times` matching requests, then clears itself. */
  times?: number;
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

export interface RequestLogEntry {
  path: string;
  query: Record<string, string>;
  status: number;
  authorization: string | undefined;
}

export interface LiteLLMFake {
  readonly url: string;
  readonly requests: RequestLogEntry[];
  data: LiteLLMFakeData;
  shape: 'nested' | 'flat';
  legacyMetadata: boolean;
  setFault(fault: LiteLLMFault | null): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
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

export async function startLiteLLMFake(options: LiteLLMFakeOptions): Promise<LiteLLMFake> {
  const requests: RequestLogEntry[] = [];
  let fault: LiteLLMFault | null = null;
  let faultLeft = Infinity;
  const sockets = new Set<Socket>();

  const fake: LiteLLMFake = {
    url: '',
    requests,
    data: options.data,
    shape: options.shape ?? 'nested',
    legacyMetadata: options.legacyMetadata ?? false,
    setFault(f) {
      fault = f;
      faultLeft = f?.times ?? Infinity;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const takeFault = (path: string): LiteLLMFault | null => {
    if (!fault) return null;
    if (fault.paths && !fault.paths.includes(path)) return null;
    const taken = fault;
    faultLeft -= 1;
    if (faultLeft <= 0) fake.setFault(null);
    return taken;
  };

  const route = (path: string, q: URLSearchParams, req: IncomingMessage, endless: boolean): Reply => {
    const auth = req.headers.authorization ?? '';
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
      const userId = q.get('user_id') ?? key.user_id ?? null;
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
      const teamId = q.get('team_id');
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
      const start = q.get('start_date');
      const end = q.get('end_date');
      if (start === null || end === null) return detailError(400, 'Please provide start_date and end_date');
      const page = Number(q.get('page') ?? '1');
      const pageSize = Number(q.get('page_size') ?? '50');
      if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
        return { status: 422, body: { detail: [{ type: 'less_than_equal', loc: ['query', 'page_size'], msg: 'Input should be less than or equal to 1000', input: String(pageSize) }] } };
      }
      let userId = q.get('user_id');
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
        metadata['total_pages'] = endless ? page + 1 : totalPages;
        metadata['has_more'] = endless ? true : page * pageSize < matching.length;
      }
      return { status: 200, body: { results: aggregatePage(slice, fake.shape), metadata } };
    }

    return { status: 404, body: { detail: 'Not Found' } };
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const path = url.pathname;
    const entry: RequestLogEntry = { path, query: Object.fromEntries(url.searchParams), status: 0, authorization: req.headers.authorization };
    requests.push(entry);
    const send = (status: number, text: string, headers: Record<string, string> = {}): void => {
      entry.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
      res.end(text);
    };
    const reply = (r: Reply): void => send(r.status, JSON.stringify(r.body), r.headers);

    const f = takeFault(path);
    if (f?.kind === 'status') {
      const headers = f.retryAfter !== undefined ? { 'Retry-After': String(f.retryAfter) } : undefined;
      const r = f.body !== undefined ? { status: f.status, body: f.body } : proxyError(f.status, f.message ?? `Simulated failure (HTTP ${f.status})`, f.type ?? (f.status >= 500 ? 'internal_server_error' : 'bad_request_error'), f.code ?? String(f.status));
      return reply({ ...r, ...(headers ? { headers } : {}) });
    }
    if (f?.kind === 'malformed') {
      entry.status = 200;
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><html><body><h1>LiteLLM Admin UI</h1></body></html>');
      return;
    }
    const r = route(path, url.searchParams, req, f?.kind === 'endless_paging');
    if (r.status !== 200 || !f) return reply(r);
    if (f.kind === 'truncated') {
      const text = JSON.stringify(r.body);
      return send(200, text.slice(0, Math.floor(text.length / 2)));
    }
    if (f.kind === 'wrong_types') {
      const body = structuredClone(r.body) as { info?: { spend?: unknown }; results?: { metrics: { spend: unknown } }[] };
      if (body.info) body.info.spend = String(body.info.spend);
      const first = body.results?.[0];
      if (first) first.metrics.spend = String(first.metrics.spend);
      return reply({ status: 200, body });
    }
    return reply(r);
  };

  const server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  (fake as { url: string }).url = `http://127.0.0.1:${port}`;
  return fake;
}
