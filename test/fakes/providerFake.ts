/**
 * The plumbing the provider fakes (openai.ts, anthropic.ts, litellm.ts, openrouter.ts) share: a
 * node:http server on 127.0.0.1, a request log, and settable failures. Each fake supplies its
 * routes and its provider's error shape.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  /** Every query parameter by its decoded name (e.g. `group_by[]`), repeated values in order. */
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** Request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The status answered (0 until then). */
  status: number;
}

/** A logged request with one value per query parameter (the last, as `Object.fromEntries(searchParams)` gives). */
export interface ServedRequest {
  readonly path: string;
  readonly query: Record<string, string>;
  readonly status: number;
  readonly authorization: string | undefined;
}

/** The request log in the single-valued form the LiteLLM and OpenRouter fakes report. */
export function servedRequests(requests: readonly LoggedRequest[]): ServedRequest[] {
  return requests.map((r) => ({
    path: r.path,
    query: Object.fromEntries(Object.entries(r.query).map(([name, values]) => [name, values.at(-1) ?? ''])),
    status: r.status,
    authorization: r.headers['authorization'],
  }));
}

/** Limits a fault to the next `times` matching requests and/or to these exact paths. */
export interface FaultScope {
  times?: number;
  paths?: string[];
}

export type Fault = FaultScope &
  (
    | { kind: 'status'; status: number; message?: string; errorType?: string; retryAfter?: number; headers?: Record<string, string> }
    /** 200 with an HTML page instead of JSON. */
    | { kind: 'malformed' }
    /** 200 with JSON cut in the middle. */
    | { kind: 'truncated' }
    /** 200 with the real answer, token counts turned into strings. */
    | { kind: 'wrong_types' }
    /** Every page says has_more with a fresh next_page. */
    | { kind: 'endless_paging' }
  );

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** How an `endless_paging` fault makes a server page forever. */
export interface EndlessPaging {
  /** The request the fake's handler is given instead. */
  request(request: LoggedRequest): LoggedRequest;
  /** A 200 answer's body made to say there is always another page; `serial` counts up from 1. */
  body(body: object, serial: number): unknown;
}

/** Cursor paging (`has_more`, `next_page`): the first page again, with a fresh cursor every time. */
export const CURSOR_PAGING: EndlessPaging = {
  request: (request) => {
    const { page: _ignored, ...rest } = request.query;
    return { ...request, query: rest };
  },
  body: (body, serial) => ({ ...body, has_more: true, next_page: `page_endless_${serial}` }),
};

export interface FakeDefinition<F extends Fault = Fault> {
  /** Answers a request that passed no fault. */
  handle(request: LoggedRequest): Reply;
  /** The provider's error body. */
  errorBody(status: number, message: string, type?: string): unknown;
  /** The real answer with token fields of the wrong type. */
  wrongTypes(body: unknown): unknown;
  /** The body of a `status` fault; by default `errorBody` with the fault's message and type. */
  faultBody?(fault: Extract<F, { kind: 'status' }>): unknown;
  /** What a `malformed` fault serves instead of JSON. */
  malformedPage?: string;
  /** How `endless_paging` pages forever; by default `CURSOR_PAGING`. */
  endlessPaging?: EndlessPaging;
}

export interface FakeServer<F extends Fault = Fault> {
  readonly url: string;
  /** Every request served (faulted ones included), oldest first. */
  readonly requests: LoggedRequest[];
  setFault(fault: F | null): void;
  close(): Promise<void>;
}

function queryOf(url: URL): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (out[name] ??= []).push(value);
  return out;
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function send(res: ServerResponse, status: number, text: string, contentType = 'application/json', extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

export async function startFake<F extends Fault = Fault>(definition: FakeDefinition<F>, port = 0): Promise<FakeServer<F>> {
  const requests: LoggedRequest[] = [];
  let fault: F | null = null;
  let endless = 0;
  const paging = definition.endlessPaging ?? CURSOR_PAGING;
  const faultBody = (f: Extract<F, { kind: 'status' }>): unknown =>
    definition.faultBody ? definition.faultBody(f) : definition.errorBody(f.status, f.message ?? `Simulated HTTP ${f.status}`, f.errorType);

  const applies = (path: string): F | null => {
    if (!fault) return null;
    if (fault.paths && !fault.paths.includes(path)) return null;
    const active = fault;
    if (active.times !== undefined) {
      active.times -= 1;
      if (active.times <= 0) fault = null;
    }
    return active;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const logged: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname, query: queryOf(url), headers: headersOf(req), status: 0 };
    requests.push(logged);
    const answer = (status: number, text: string, contentType?: string, extra?: Record<string, string>): void => {
      logged.status = status;
      send(res, status, text, contentType, extra);
    };
    const active: Fault | null = applies(url.pathname);
    if (active?.kind === 'status') {
      const extra: Record<string, string> = { ...(active.retryAfter !== undefined ? { 'retry-after': String(active.retryAfter) } : {}), ...active.headers };
      answer(active.status, JSON.stringify(faultBody(active as Extract<F, { kind: 'status' }>)), 'application/json', extra);
      return;
    }
    if (active?.kind === 'malformed') {
      answer(200, definition.malformedPage ?? '<!doctype html><html><body>Sign in to continue</body></html>', 'text/html');
      return;
    }
    const request = active?.kind === 'endless_paging' ? paging.request(logged) : logged;
    let reply: Reply;
    try {
      reply = definition.handle(request);
    } catch (error) {
      answer(500, JSON.stringify(definition.errorBody(500, `fake crashed: ${error instanceof Error ? error.message : String(error)}`)));
      return;
    }
    let body = reply.body;
    if (reply.status === 200 && active?.kind === 'wrong_types') body = definition.wrongTypes(body);
    if (reply.status === 200 && active?.kind === 'endless_paging' && typeof body === 'object' && body !== null) body = paging.body(body, ++endless);
    const text = JSON.stringify(body);
    if (active?.kind === 'truncated') {
      answer(200, text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      return;
    }
    answer(reply.status, text);
  });

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    setFault: (f) => {
      fault = f ? { ...f } : null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Opaque-looking page cursors, as the providers' `page_…` tokens. */
export function encodeCursor(offset: number): string {
  return `page_${Buffer.from(`offset:${offset}`).toString('base64')}`;
}

export function decodeCursor(cursor: string): number | undefined {
  if (!cursor.startsWith('page_')) return undefined;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor.slice(5), 'base64').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** A copy of `body` with every number under one of `fields` turned into a string. */
export function stringifyFields(body: unknown, fields: ReadonlySet<string>): unknown {
  if (Array.isArray(body)) return body.map((item) => stringifyFields(item, fields));
  if (typeof body !== 'object' || body === null) return body;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    out[name] = fields.has(name) && typeof value === 'number' ? String(value) : stringifyFields(value, fields);
  }
  return out;
}
