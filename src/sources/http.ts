/**
 * The one HTTP client every source uses: timeouts, retries with jittered backoff on 5xx and
 * network errors, 429/503 honouring `Retry-After`, a cap on the response size, schema
 * validation of every body, and errors that say what to fix. A 403 that says a rate limit is spent
 * (GitHub: `x-ratelimit-remaining: 0`, or `retry-after`) is a rate limit, not a rejected key.
 *
 * It never logs or reports a key: anything that looks like one of the secrets it was given is
 * redacted from every message.
 */
import * as v from 'valibot';

export type SourceErrorKind =
  | 'auth'
  | 'unreachable'
  | 'timeout'
  | 'unexpected'
  | 'rate_limited'
  | 'server'
  | 'too_large'
  | 'insecure_url'
  | 'bad_request'
  | 'not_found'
  | 'config';

/** An error a user can act on. `message` is complete and safe to show. */
export class SourceError extends Error {
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    readonly details: { readonly status?: number; readonly retryAt?: Date } = {},
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface HttpLogger {
  debug(message: string): void;
  warn(message: string): void;
}

export interface HttpClientOptions {
  readonly timeoutMs?: number;
  /** Retries after the first attempt, for 5xx, network errors, timeouts and short 429 waits. */
  readonly retries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the request fails as rate limited. */
  readonly maxRetryAfterMs?: number;
  readonly maxResponseBytes?: number;
  readonly userAgent?: string;
  readonly logger?: HttpLogger;
  /** Injected for tests; defaults to Math.random and setTimeout. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
  /** Starts the timer of one attempt's timeout and returns what cancels it; injected for tests, defaults to setTimeout. */
  readonly startTimeout?: (ms: number, onTimeout: () => void) => () => void;
}

export interface GetJsonRequest<TSchema extends v.GenericSchema> {
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly schema: TSchema;
  /** Who is asking, for messages: e.g. "Allowance gateway". */
  readonly source: string;
  /** Secrets to redact from anything this request reports. */
  readonly secrets?: readonly string[];
  /** Reads a provider's error body into a short message (default: common `error.message` shapes). */
  readonly errorMessage?: (body: unknown) => string | undefined;
  readonly signal?: AbortSignal;
  /** What to do about a rejected key, for this provider (replaces the generic advice). */
  readonly authHint?: string;
  /** Sees the headers of the successful response (e.g. a demo marker). */
  readonly onHeaders?: (headers: Headers) => void;
}

const DEFAULTS = {
  timeoutMs: 20_000,
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 10_000,
  maxResponseBytes: 20 * 1024 * 1024,
  userAgent: 'TokenBudget-VSCode/0.1 (+https://github.com/token-budget/token-budget)',
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** `text` with the user name and password of any URL in it (`https://user:pass@host`) hidden, for messages and the log. */
export function hideUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi, '$1…@');
}

/**
 * Parses a source URL and refuses anything a key must not be sent to: only `https:`, or `http:`
 * to loopback; and no user name or password in it (fetch would refuse to send it, and it would
 * travel into messages: the key has its own place, Set API Key…).
 */
export function parseSourceUrl(raw: string, settingName: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new SourceError('config', `${settingName} is not a valid URL: "${hideUrlCredentials(raw)}". Use a full address such as https://gateway.example.com.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new SourceError('config', `${settingName} has a user name or password in it (${hideUrlCredentials(url.href)}). Remove it from the URL: the key goes in "Token Budget: Set API Key…".`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  if (url.protocol === 'http:') {
    throw new SourceError(
      'insecure_url',
      `${settingName} uses plain http:// to ${url.hostname}. Keys are only sent over https://, or http:// to 127.0.0.1/localhost. Change the URL to https://.`,
    );
  }
  throw new SourceError('config', `${settingName} must be an https:// URL, not ${url.protocol}//.`);
}

/** Joins a base URL (which may carry a path prefix) and an API path. */
export function joinUrl(base: URL, path: string, query?: Readonly<Record<string, string | readonly string[] | undefined>>): URL {
  const url = new URL(base.href.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, ''));
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const item of typeof value === 'string' ? [value] : value) url.searchParams.append(name, item);
  }
  return url;
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

/** `x-ratelimit-reset` (UTC epoch seconds, GitHub) as milliseconds from now. */
export function parseRateLimitReset(header: string | null, now: Date): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.max(0, seconds * 1000 - now.getTime()) : undefined;
}

/** Common error-body shapes: `{error:{message}}`, `{error:"…"}`, `{message}`, `{detail}`. */
export function defaultErrorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const error = record['error'];
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as Record<string, unknown>)['message'];
    if (typeof message === 'string') return message;
  }
  for (const field of ['message', 'detail']) {
    const value = record[field];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** Runs of this many characters of a secret, or more, are redacted wherever they appear. */
export const SECRET_FRAGMENT_CHARS = 9;

/** The providers' documented key prefixes: public, they say what kind of key it is, not which. */
const PUBLIC_KEY_PREFIX = /^(sk-ant-admin01-|sk-ant-api03-|sk-admin-|sk-proj-|sk-or-v1-|sk-)/;

/** The part of `secret` that is the same for every key of its kind (e.g. `sk-admin-`), or ''. */
export function publicKeyPrefix(secret: string): string {
  return PUBLIC_KEY_PREFIX.exec(secret)?.[1] ?? '';
}

/**
 * Replaces every run of `SECRET_FRAGMENT_CHARS` or more characters that also occurs in `secret`
 * (except a run inside the key's public prefix, such as the advice "use an sk-admin-… key").
 */
function redactFragments(text: string, secret: string): string {
  const min = SECRET_FRAGMENT_CHARS;
  if (secret.length < min || text.length < min) return text;
  const prefix = publicKeyPrefix(secret);
  let out = '';
  let i = 0;
  while (i < text.length) {
    let length = 0;
    if (i + min <= text.length && secret.includes(text.slice(i, i + min))) {
      length = min;
      while (i + length < text.length && secret.includes(text.slice(i, i + length + 1))) length++;
      if (prefix.includes(text.slice(i, i + length))) length = 0;
    }
    if (length > 0) {
      out += '[redacted]';
      i += length;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

/**
 * Replaces every occurrence of each secret, and of any part of it 9 characters or longer (a server
 * that echoes "sk-admin-AbCdEf12…" in its error), and of a bearer token, in a message.
 */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
    out = redactFragments(out, secret);
  }
  return out.replace(/(Bearer\s+)[^\s"']+/gi, '$1[redacted]').replace(/\b(sk-[A-Za-z0-9_-]{6})[A-Za-z0-9_-]{16,}/g, '$1…[redacted]');
}

/**
 * Where a redirect points, for the message: host and path only. Its query and fragment are left
 * out, as a sign-in redirect may carry a token (or the key itself) there.
 */
function redirectTarget(location: string | null, from: URL): string {
  if (location === null) return 'elsewhere';
  try {
    const to = new URL(location, from);
    return `${to.host}${to.pathname}`;
  } catch {
    return 'an address that is not a URL';
  }
}

/** Names the first few problems valibot found, e.g. `days[3].cost: expected number, got "12"`. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = v.getDotPath(issue);
      const got = typeof issue.input === 'string' ? JSON.stringify(issue.input.slice(0, 40)) : issue.received;
      return `${path ?? '(root)'}: expected ${issue.expected ?? 'a valid value'}, got ${got}`;
    })
    .join('; ');
}

type Attempt =
  | { readonly retry: false; readonly error: SourceError }
  | { readonly retry: true; readonly error: SourceError; readonly waitMs?: number };

export class HttpClient {
  private readonly options: Required<Omit<HttpClientOptions, 'logger'>> & { logger?: HttpLogger };

  constructor(options: HttpClientOptions = {}) {
    this.options = {
      ...DEFAULTS,
      random: Math.random,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: () => new Date(),
      startTimeout: (ms, onTimeout) => {
        const timer = setTimeout(onTimeout, ms);
        return () => clearTimeout(timer);
      },
      ...options,
    };
  }

  /** GETs a URL and returns its body validated by `schema`; throws SourceError. */
  async getJson<TSchema extends v.GenericSchema>(request: GetJsonRequest<TSchema>): Promise<v.InferOutput<TSchema>> {
    const { retries, baseDelayMs, maxDelayMs } = this.options;
    const where = `${request.url.host}${request.url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt(request);
      if (result.ok) return result.value;
      const failure = result.failure;
      if (!failure.retry || attempt >= retries || request.signal?.aborted) throw failure.error;
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt) * this.options.random();
      const waitMs = Math.max(failure.waitMs ?? 0, backoff);
      this.options.logger?.debug(`${request.source}: ${where} attempt ${attempt + 1} failed (${failure.error.kind}); retrying in ${Math.round(waitMs)} ms`);
      await this.options.sleep(waitMs);
    }
  }

  private async attempt<TSchema extends v.GenericSchema>(
    request: GetJsonRequest<TSchema>,
  ): Promise<{ ok: true; value: v.InferOutput<TSchema> } | { ok: false; failure: Attempt }> {
    const secrets = request.secrets ?? [];
    const safe = (text: string) => redact(text, secrets);
    const label = `${request.source}: GET ${request.url.pathname}`;
    // AbortSignal.any is not in the Node of older VS Code builds (engines ^1.85): combine by hand.
    const controller = new AbortController();
    const timeout = { aborted: false };
    const cancelTimeout = this.options.startTimeout(this.options.timeoutMs, () => {
      timeout.aborted = true;
      controller.abort(new Error('timeout'));
    });
    const onAbort = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.send(request, controller.signal, timeout, label, safe);
    } finally {
      cancelTimeout();
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async send<TSchema extends v.GenericSchema>(
    request: GetJsonRequest<TSchema>,
    signal: AbortSignal,
    timeout: { readonly aborted: boolean },
    label: string,
    safe: (text: string) => string,
  ): Promise<{ ok: true; value: v.InferOutput<TSchema> } | { ok: false; failure: Attempt }> {
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: 'GET',
        headers: { Accept: 'application/json', 'User-Agent': this.options.userAgent, ...request.headers },
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      return { ok: false, failure: this.networkFailure(error, request, timeout.aborted) };
    }

    let text: string;
    try {
      text = await this.readCapped(response, signal);
    } catch (error) {
      if (error instanceof SourceError) return { ok: false, failure: { retry: false, error } };
      return { ok: false, failure: this.networkFailure(error, request, timeout.aborted) };
    }

    const status = response.status;
    this.options.logger?.debug(`${label} → ${status} (${text.length} bytes)`);
    if (status >= 300 && status < 400) {
      return {
        ok: false,
        failure: {
          retry: false,
          error: new SourceError('unexpected', safe(`${request.source}: ${request.url.host} answered with a redirect (HTTP ${status}) to ${redirectTarget(response.headers.get('location'), request.url)}. Keys are not sent on redirects: set the final URL.`), { status }),
        },
      };
    }
    if (status >= 400) return { ok: false, failure: this.statusFailure(response, text, request, safe) };

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      const preview = text.slice(0, 60).replace(/\s+/g, ' ');
      return {
        ok: false,
        failure: {
          retry: false,
          error: new SourceError('unexpected', safe(`${label} returned something that is not JSON (${text.length} bytes, starting "${preview}"). Is the URL right, and is it the API rather than a web page?`), { status }),
        },
      };
    }
    const parsed = v.safeParse(request.schema, body);
    if (!parsed.success) {
      return {
        ok: false,
        failure: { retry: false, error: new SourceError('unexpected', safe(`${label} returned an unexpected response: ${describeIssues(parsed.issues)}.`), { status }) },
      };
    }
    request.onHeaders?.(response.headers);
    return { ok: true, value: parsed.output };
  }

  private async readCapped(response: Response, signal: AbortSignal): Promise<string> {
    const max = this.options.maxResponseBytes;
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > max) {
      await response.body?.cancel();
      throw new SourceError('too_large', `The response from ${new URL(response.url || 'http://unknown').host} is ${declared} bytes, over the ${max}-byte limit. Narrow the request or check the URL.`);
    }
    if (!response.body) return '';
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel();
        throw new SourceError('too_large', `A response was larger than the ${max}-byte limit and was dropped. Narrow the request or check the URL.`);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private networkFailure(error: unknown, request: GetJsonRequest<v.GenericSchema>, timedOut: boolean): Attempt {
    const host = request.url.host;
    if (request.signal?.aborted) {
      return { retry: false, error: new SourceError('unreachable', `${request.source}: the request to ${host} was cancelled.`) };
    }
    if (timedOut) {
      return { retry: true, error: new SourceError('timeout', `${request.source}: ${host} did not answer within ${Math.round(this.options.timeoutMs / 1000)} s. It may be down or slow; the last good numbers are kept.`) };
    }
    if (error instanceof TypeError && /invalid header value/i.test(error.message)) {
      // Nothing was sent: the key itself holds a character a header cannot carry (a line break, a non-Latin-1 letter).
      return {
        retry: false,
        error: new SourceError('auth', `${request.source}: the key contains a character that cannot be sent (a line break or a non-ASCII character?), so nothing was sent. Set the key again with "Token Budget: Set API Key…".`),
      };
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
    const reason = code ?? (cause instanceof Error ? cause.message : String(cause));
    return {
      retry: true,
      error: new SourceError('unreachable', redact(`${request.source}: cannot reach ${host} (${reason}). Check the URL in Settings and your network or VPN.`, request.secrets ?? [])),
    };
  }

  private statusFailure(response: Response, text: string, request: GetJsonRequest<v.GenericSchema>, safe: (s: string) => string): Attempt {
    const status = response.status;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const serverSays = (request.errorMessage ?? defaultErrorMessage)(body) ?? defaultErrorMessage(body);
    const said = serverSays ? `: "${serverSays.slice(0, 200)}"` : '';
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), this.options.now());
    // GitHub (docs "Rate limits for the REST API"): a spent primary limit is a 403 or 429 with
    // `x-ratelimit-remaining: 0`, to be waited out until `x-ratelimit-reset` (epoch seconds) when
    // there is no `retry-after`; a secondary limit is a 403 or 429 with `retry-after`.
    const exhausted = response.headers.get('x-ratelimit-remaining')?.trim() === '0';
    const waitMs = retryAfter ?? (exhausted ? parseRateLimitReset(response.headers.get('x-ratelimit-reset'), this.options.now()) : undefined);
    const label = `${request.source}`;
    const rateLimited = status === 429 || (status === 503 && waitMs !== undefined) || (status === 403 && (exhausted || retryAfter !== undefined));

    if ((status === 401 || status === 403) && !rateLimited) {
      return {
        retry: false,
        error: new SourceError('auth', safe(`${label}: the key was rejected (HTTP ${status}${said}). ${request.authHint ?? 'Set a valid key with "Token Budget: Set API Key…".'}`), { status }),
      };
    }
    if (rateLimited) {
      const retryAt = new Date(this.options.now().getTime() + (waitMs ?? 60_000));
      const error = new SourceError(
        'rate_limited',
        safe(`${label}: rate limited by ${request.url.host} (HTTP ${status}) until ${retryAt.toLocaleTimeString()}${said}. The next refresh waits until then.`),
        { status, retryAt },
      );
      if (waitMs !== undefined && waitMs <= this.options.maxRetryAfterMs) return { retry: true, error, waitMs };
      return { retry: false, error };
    }
    if (status >= 500) {
      return { retry: true, error: new SourceError('server', safe(`${label}: server error at ${request.url.host} (HTTP ${status}${said}). The last good numbers are kept.`), { status }) };
    }
    if (status === 404) {
      return { retry: false, error: new SourceError('not_found', safe(`${label}: ${request.url.pathname} was not found on ${request.url.host} (HTTP 404${said}). Check the URL in Settings.`), { status }) };
    }
    return { retry: false, error: new SourceError('bad_request', safe(`${label}: the request was refused (HTTP ${status}${said}).`), { status }) };
  }
}
