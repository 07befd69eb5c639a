import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as v from 'valibot';
import { hideUrlCredentials, HttpClient, joinUrl, parseRetryAfter, parseSourceUrl, redact, SourceError } from '../../../src/sources/http';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

/** A real HTTP server on loopback whose behaviour each test sets. */
let handler: Handler = (_req, res) => res.end('{}');
let hits = 0;
let base: URL;
const server = createServer((req, res) => handler(req, res, ++hits));

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function serve(h: Handler): void {
  hits = 0;
  handler = h;
}

const Body = v.object({ spent: v.number() });
const sleeps: number[] = [];
const client = (extra: ConstructorParameters<typeof HttpClient>[0] = {}) =>
  new HttpClient({ retries: 2, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 500, random: () => 0.5, sleep: (ms) => { sleeps.push(ms); return Promise.resolve(); }, ...extra });

async function failure(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof SourceError, `expected SourceError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

const get = (c: HttpClient, path = '/v1/allowance', secrets: string[] = []) =>
  c.getJson({ url: joinUrl(base, path), schema: Body, source: 'Test source', headers: { Authorization: `Bearer ${secrets[0] ?? 'k'}` }, secrets });

void describe('HttpClient', () => {
  void it('returns the validated body and sends the headers', async () => {
    let auth: string | undefined;
    serve((req, res) => {
      auth = req.headers.authorization;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ spent: 12.5, extra: true }));
    });
    assert.deepEqual(await get(client(), '/v1/allowance', ['secret-key-1']), { spent: 12.5 });
    assert.equal(auth, 'Bearer secret-key-1');
  });

  void it('says what was wrong with an unexpected body, without the key', async () => {
    serve((_req, res) => res.end(JSON.stringify({ spent: '12.5' })));
    const error = await failure(get(client()));
    assert.equal(error.kind, 'unexpected');
    assert.match(error.message, /spent: expected number, got "12\.5"/);
  });

  void it('reports a body that is not JSON', async () => {
    serve((_req, res) => res.end('<html>login</html>'));
    const error = await failure(get(client()));
    assert.equal(error.kind, 'unexpected');
    assert.match(error.message, /not JSON .*<html>login/);
  });

  void it('reports a truncated body as not JSON', async () => {
    serve((_req, res) => res.end('{"spent": 12'));
    assert.equal((await failure(get(client()))).kind, 'unexpected');
  });

  void it('rejects 401 and 403 as a key problem, quoting the server but never the key', async () => {
    for (const status of [401, 403]) {
      serve((_req, res) => {
        res.statusCode = status;
        res.end(JSON.stringify({ error: { code: 'invalid_key', message: 'key sk-live-ABCDEF123456789 is not valid' } }));
      });
      const error = await failure(get(client(), '/v1/allowance', ['sk-live-ABCDEF123456789']));
      assert.equal(error.kind, 'auth');
      assert.equal(error.details.status, status);
      assert.match(error.message, /key was rejected/);
      assert.match(error.message, /Set API Key/);
      assert.doesNotMatch(error.message, /ABCDEF123456789/);
      assert.equal(hits, 1, 'no retry on a rejected key');
    }
  });

  void it('retries 5xx with backoff and succeeds', async () => {
    sleeps.length = 0;
    serve((_req, res, hit) => {
      if (hit < 3) {
        res.statusCode = 500;
        res.end('{"error":{"code":"internal","message":"boom"}}');
      } else res.end('{"spent":1}');
    });
    assert.deepEqual(await get(client()), { spent: 1 });
    assert.equal(hits, 3);
    assert.equal(sleeps.length, 2);
  });

  void it('gives up on 5xx after the retries with a server error', async () => {
    serve((_req, res) => {
      res.statusCode = 502;
      res.end('bad gateway');
    });
    const error = await failure(get(client()));
    assert.equal(error.kind, 'server');
    assert.equal(hits, 3, 'one attempt plus two retries');
  });

  void it('waits a short Retry-After on 429 and then succeeds', async () => {
    sleeps.length = 0;
    serve((_req, res, hit) => {
      if (hit === 1) {
        res.statusCode = 429;
        res.setHeader('retry-after', '2');
        res.end('{"error":{"code":"rate_limited","message":"slow down"}}');
      } else res.end('{"spent":2}');
    });
    assert.deepEqual(await get(client()), { spent: 2 });
    assert.equal(sleeps[0], 2000, 'waited exactly Retry-After');
  });

  void it('does not wait a long Retry-After: rate limited until when', async () => {
    const now = new Date('2026-11-27T10:00:00Z');
    serve((_req, res) => {
      res.statusCode = 429;
      res.setHeader('retry-after', '600');
      res.end('{"error":{"code":"rate_limited","message":"slow down"}}');
    });
    const error = await failure(get(client({ now: () => now })));
    assert.equal(error.kind, 'rate_limited');
    assert.equal(error.details.retryAt?.toISOString(), '2026-11-27T10:10:00.000Z');
    assert.match(error.message, /rate limited/);
    assert.equal(hits, 1);
  });

  void it("GitHub's spent rate limit: a 403 with x-ratelimit-remaining 0 waits until x-ratelimit-reset; a plain 403 is still a rejected key", async () => {
    const now = new Date('2026-11-27T10:00:00Z');
    serve((_req, res) => {
      res.statusCode = 403;
      res.setHeader('x-ratelimit-remaining', '0');
      res.setHeader('x-ratelimit-reset', String(Date.parse('2026-11-27T10:30:00Z') / 1000));
      res.end('{"message":"API rate limit exceeded for user ID 1."}');
    });
    const limited = await failure(get(client({ now: () => now })));
    assert.equal(limited.kind, 'rate_limited');
    assert.equal(limited.details.retryAt?.toISOString(), '2026-11-27T10:30:00.000Z');
    assert.equal(hits, 1, 'half an hour is not waited for in the request');

    serve((_req, res) => {
      res.statusCode = 403;
      res.setHeader('x-ratelimit-remaining', '4999');
      res.end('{"message":"Resource not accessible by personal access token"}');
    });
    const refused = await failure(get(client({ now: () => now })));
    assert.equal(refused.kind, 'auth');
  });

  void it('times out a slow server and retries', async () => {
    serve((_req, res, hit) => {
      if (hit === 1) setTimeout(() => res.end('{"spent":3}'), 800);
      else res.end('{"spent":3}');
    });
    assert.deepEqual(await get(client({ timeoutMs: 200 })), { spent: 3 });
    assert.equal(hits, 2);
  });

  void it('reports a dropped connection as unreachable after retries', async () => {
    serve((req) => req.socket.destroy());
    const error = await failure(get(client()));
    assert.equal(error.kind, 'unreachable');
    assert.match(error.message, /cannot reach 127\.0\.0\.1/);
    assert.equal(hits, 3);
  });

  void it('reports a closed port as unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const c = client({ retries: 0 });
    const error = await failure(c.getJson({ url: new URL(`http://127.0.0.1:${port}/v1/allowance`), schema: Body, source: 'Test source' }));
    assert.equal(error.kind, 'unreachable');
    assert.match(error.message, /ECONNREFUSED/);
  });

  void it('caps the response size, declared or streamed', async () => {
    serve((_req, res) => res.end(JSON.stringify({ spent: 1, pad: 'x'.repeat(5000) })));
    assert.equal((await failure(get(client({ maxResponseBytes: 1000 })))).kind, 'too_large');
    serve((_req, res) => {
      res.setHeader('transfer-encoding', 'chunked');
      for (let i = 0; i < 10; i++) res.write('x'.repeat(500));
      res.end();
    });
    assert.equal((await failure(get(client({ maxResponseBytes: 1000 })))).kind, 'too_large');
  });

  void it('does not follow redirects (a key is never sent elsewhere)', async () => {
    serve((_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', 'https://elsewhere.example.com/v1/allowance');
      res.end();
    });
    const error = await failure(get(client()));
    assert.equal(error.kind, 'unexpected');
    assert.match(error.message, /redirect/);
  });

  void it('names a redirect by host and path only: a sign-in redirect carrying the key in its query does not leak it', async () => {
    const key = 'tb-live-7f3a9c2e5b8d41f6a0c9e2d7b4f1a8c3';
    serve((_req, res) => {
      res.statusCode = 307;
      res.setHeader('location', `https://sso.example.com/login?next=/v1/allowance&token=${key}#k=${key}`);
      res.end();
    });
    const error = await failure(get(client(), '/v1/allowance', [key]));
    assert.match(error.message, /redirect \(HTTP 307\) to sso\.example\.com\/login\. /);
    assert.ok(!error.message.includes(key.slice(8, 20)), error.message);
    assert.ok(!error.message.includes('token='), error.message);
  });
});

void describe('URL and header helpers', () => {
  void it('accepts https and loopback http, refuses other http', () => {
    assert.equal(parseSourceUrl('https://gw.example.com/base', 'x').href, 'https://gw.example.com/base');
    assert.equal(parseSourceUrl('http://127.0.0.1:4000', 'x').port, '4000');
    assert.equal(hideUrlCredentials('changed (https://alice:pw@a.example.com → https://b.example.com/x?y=1)'), 'changed (https://…@a.example.com → https://b.example.com/x?y=1)');
    // A password in the URL is refused and never repeated, in whatever form it comes.
    for (const raw of ['https://alice:hunter2-very-secret@gateway.example.com/', 'http://alice:hunter2-very-secret@127.0.0.1:4000', 'https://hunter2-very-secret@gateway.example.com', 'https://alice:hunter2-very-secret@gate way.example.com']) {
      assert.throws(
        () => parseSourceUrl(raw, 'tokenBudget.sources.gateway.url'),
        (e: SourceError) => e.kind === 'config' && !e.message.includes('hunter2') && /user name or password|not a valid URL/.test(e.message),
        raw,
      );
    }
    assert.equal(parseSourceUrl('http://localhost:4000', 'x').hostname, 'localhost');
    assert.throws(() => parseSourceUrl('http://gw.example.com', 'tokenBudget.sources.gateway.url'), (e: SourceError) => e.kind === 'insecure_url' && /https/.test(e.message));
    assert.throws(() => parseSourceUrl('not a url', 'x'), (e: SourceError) => e.kind === 'config');
    assert.throws(() => parseSourceUrl('ftp://gw.example.com', 'x'), (e: SourceError) => e.kind === 'config');
  });

  void it('joins a base path and query arrays', () => {
    const url = joinUrl(new URL('https://h.example/api/v1/'), '/key', { 'group_by[]': ['model', 'api_key_id'], limit: '31', skip: undefined });
    assert.equal(url.href, 'https://h.example/api/v1/key?group_by%5B%5D=model&group_by%5B%5D=api_key_id&limit=31');
  });

  void it('parses Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-11-27T10:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Fri, 27 Nov 2026 10:01:00 GMT', now), 60_000);
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });

  void it('redacts given secrets, bearer tokens and sk- keys', () => {
    assert.equal(redact('bad key abcd1234efgh', ['abcd1234efgh']), 'bad key [redacted]');
    assert.equal(redact('Authorization: Bearer xyz.123', []), 'Authorization: Bearer [redacted]');
    assert.equal(redact('key sk-admin-0123456789abcdefghij', []), 'key sk-admin-…[redacted]');
    assert.equal(redact('an Admin key (sk-ant-admin01-…)', []), 'an Admin key (sk-ant-admin01-…)', 'a hint naming a key prefix is kept');
  });
});
