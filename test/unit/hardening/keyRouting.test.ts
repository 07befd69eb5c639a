// Where keys go. Settings that decide where a key is sent are application-scoped in the manifest
// and read from the user level only; keys travel only over https or to loopback (every adapter
// refuses anything else before a single request); redirects are not followed with a key; error
// messages never carry a key or any 9-character run of one.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import * as v from 'valibot';
import { readConfig } from '../../../src/core/config';
import { utcDayKey } from '../../../src/core/dates';
import { ADAPTERS, gatewayAdapter } from '../../../src/sources';
import { settingKey } from '../../../src/sources/descriptor';
import { isKeyedSource, KEYED_SOURCES, keyedSourceOf } from '../../../src/sources/registry';
import { HttpClient, parseSourceUrl, publicKeyPrefix, redact, SourceError } from '../../../src/sources/http';
import type { SourceAdapter } from '../../../src/sources/types';
import { BudgetService } from '../../../src/state/budgetService';
import { LedgerStore } from '../../../src/state/ledgerStore';
import { keyFragments } from './targets';

const ROOT = join(__dirname, '..', '..', '..');
interface Setting {
  readonly scope?: string;
  readonly type?: string | string[];
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, Setting> }[] } };
const settings: Record<string, Setting> = Object.assign({}, ...manifest.contributes.configuration.map((c) => c.properties)) as Record<string, Setting>;

void describe('settings that route a key', () => {
  /** Every setting of a source that sends a key says where the key goes or whose data is read with it (src/sources/registry.ts). */
  const routing = KEYED_SOURCES.flatMap((d) => Object.keys(d.settings).map((name) => settingKey(d, name)));

  void it('are all in the manifest, every one with scope "application"', () => {
    assert.ok(routing.includes('tokenBudget.sources.gateway.url') && routing.includes('tokenBudget.sources.openai.baseUrl'), routing.join(', '));
    for (const key of routing) assert.equal(settings[key]?.scope, 'application', `${key} is application-scoped`);
  });

  void it('every source setting is out of a workspace’s reach (application, or machine for local paths)', () => {
    for (const [key, s] of Object.entries(settings)) {
      if (!key.startsWith('tokenBudget.sources.')) continue;
      assert.ok(s.scope === 'application' || s.scope === 'machine', `${key}: scope ${s.scope ?? '(none = window)'}`);
    }
    for (const [key, s] of Object.entries(settings)) assert.ok(s.scope, `${key} declares a scope`);
  });

  void it('are read from the user level only (the typed config asks for them userOnly)', () => {
    const userOnly = new Set<string>();
    const asked = new Set<string>();
    readConfig((key, only) => {
      asked.add(key);
      if (only) userOnly.add(`tokenBudget.${key}`);
      return undefined;
    });
    for (const key of Object.keys(settings).filter((k) => settings[k]?.scope === 'application')) {
      assert.ok(userOnly.has(key), `${key} is read user-only`);
    }
    // And a workspace value offered for them is never used.
    const config = readConfig((key, only) => (only ? undefined : key.endsWith('url') || key.endsWith('baseUrl') ? 'https://attacker.example.com' : key.endsWith('enabled') ? true : undefined));
    assert.equal(config.sources.gateway.url, '');
    assert.equal(config.sources.litellm.url, '');
    assert.equal(config.sources.openai.enabled, false);
    assert.equal(config.sources.openai.baseUrl, 'https://api.openai.com/v1');
    assert.equal(config.sources.anthropic.baseUrl, 'https://api.anthropic.com');
    assert.equal(config.sources.openrouter.baseUrl, 'https://openrouter.ai/api/v1');
  });

  void it('src/config.ts takes only the global (user) value of those settings', () => {
    const source = readFileSync(join(ROOT, 'src', 'config.ts'), 'utf8');
    assert.match(source, /if \(!userOnly\) return section\.get\(key\);/);
    assert.match(source, /inspected\?\.globalValue \?\? inspected\?\.defaultValue/);
    assert.doesNotMatch(source, /workspaceValue|workspaceFolderValue/);
  });
});

/** Settings that turn `adapter` on with `url` as its address: its URL switch, or its flag and `baseUrl` (and its first own-usage filter). */
function settingsFor(adapter: SourceAdapter, url: string): Record<string, unknown> {
  if (!isKeyedSource(adapter.id)) throw new Error(`${adapter.id} sends no key`);
  const d = keyedSourceOf(adapter.id);
  const at = (name: string) => `sources.${d.id}.${name}`;
  if (d.switch.type === 'url') return { [at(d.switch.setting)]: url };
  assert.ok('baseUrl' in d.settings, `${d.id}: a flag-switched source sends its key to its baseUrl`);
  const filter = 'ownFilters' in d ? d.ownFilters[0] : undefined;
  return { [at(d.switch.setting)]: true, [at('baseUrl')]: url, ...(filter ? { [at(filter)]: ['me'] } : {}) };
}

const KEY = 'sk-admin-ROUTING-x9Y8z7W6v5U4t3';
const NOW = new Date('2026-11-27T12:00:00Z');

async function fetchWith(adapter: SourceAdapter, url: string, http: HttpClient, key = KEY): Promise<unknown> {
  const config = readConfig((k) => settingsFor(adapter, url)[k]);
  assert.ok(adapter.isEnabled(config), `${adapter.id} is on`);
  try {
    await adapter.fetch({ config, http, key, today: '2026-11-27', utcToday: utcDayKey(NOW), yearStart: '2026-01-01', now: NOW, sync: undefined });
  } catch (error) {
    return error;
  }
  return undefined;
}

void describe('keys travel only over https, or to loopback', () => {
  const keyed = ADAPTERS.filter((a) => a.needsKey);
  const realFetch = globalThis.fetch;
  let calls: string[] = [];
  beforeEach(() => {
    calls = [];
    globalThis.fetch = ((input: string | URL | Request) => {
      calls.push(String(input instanceof Request ? input.url : input));
      return Promise.reject(new Error('no network in this test'));
    });
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  void it('covers every adapter that sends a key', () => {
    assert.deepEqual(keyed.map((a) => a.id), KEYED_SOURCES.map((d) => d.id));
    assert.deepEqual([...keyed.map((a) => a.id)].sort(), ['anthropic', 'copilot', 'gateway', 'litellm', 'openai', 'openrouter']);
  });

  for (const url of ['http://usage.example.com', 'http://10.0.0.7:4000', 'http://localhost.example.com', 'http://127.0.0.1.nip.io', 'http://0.0.0.0:8080', 'http://[::ffff:127.0.0.1]:9']) {
    void it(`every adapter refuses ${url} with a message, before any request`, async () => {
      for (const adapter of keyed) {
        const error = await fetchWith(adapter, url, new HttpClient({ retries: 0 }));
        assert.ok(error instanceof SourceError, `${adapter.id}: ${String(error)}`);
        assert.equal(error.kind, 'insecure_url', `${adapter.id}: ${error.message}`);
        assert.match(error.message, /uses plain http:\/\/ to .*Keys are only sent over https:\/\/, or http:\/\/ to 127\.0\.0\.1\/localhost/);
        assert.ok(error.message.includes(adapter.setting.replace(/\.enabled$/, '.baseUrl')) || error.message.includes(adapter.setting), `${adapter.id}: names the setting`);
      }
      assert.deepEqual(calls, [], 'not a single request');
    });
  }

  for (const url of ['ftp://usage.example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url']) {
    void it(`every adapter refuses ${url}`, async () => {
      for (const adapter of keyed) {
        const error = await fetchWith(adapter, url, new HttpClient({ retries: 0 }));
        assert.ok(error instanceof SourceError && error.kind === 'config', `${adapter.id}: ${String(error)}`);
      }
      assert.deepEqual(calls, []);
    });
  }

  void it('https anywhere and http to loopback are allowed through', async () => {
    for (const url of ['https://usage.example.com', 'http://127.0.0.1:9', 'http://localhost:9', 'http://[::1]:9']) {
      assert.doesNotThrow(() => parseSourceUrl(url, 'setting'));
      for (const adapter of keyed) {
        calls = [];
        const error = await fetchWith(adapter, url, new HttpClient({ retries: 0 }));
        assert.ok(error instanceof SourceError && error.kind === 'unreachable', `${adapter.id} ${url}: ${String(error)}`);
        assert.equal(calls.length, 1, `${adapter.id} tried ${url}`);
        assert.ok(calls[0]?.startsWith(url.replace(/\/$/, '')), calls[0]);
      }
    }
  });
});

void describe('redirects', () => {
  let attacker: Server;
  let redirector: Server;
  const attackerHits: string[] = [];
  let redirectorUrl = '';
  const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
  before(async () => {
    attacker = createServer((req, res) => {
      attackerHits.push(`${req.url ?? ''} ${req.headers.authorization ?? ''}${String(req.headers['x-api-key'] ?? '')}`);
      res.end('{}');
    });
    const attackerPort = await listen(attacker);
    redirector = createServer((req, res) => {
      res.writeHead(307, { Location: `http://127.0.0.1:${attackerPort}${req.url ?? '/'}` });
      res.end();
    });
    redirectorUrl = `http://127.0.0.1:${await listen(redirector)}`;
  });
  after(() => {
    attacker.close();
    redirector.close();
  });

  void it('are not followed with a key, by any adapter: the other host receives nothing', async () => {
    for (const adapter of ADAPTERS.filter((a) => a.needsKey)) {
      const base = adapter.id === 'openrouter' ? `${redirectorUrl}/api/v1` : adapter.id === 'openai' ? `${redirectorUrl}/v1` : redirectorUrl;
      const error = await fetchWith(adapter, base, new HttpClient({ retries: 0 }));
      assert.ok(error instanceof SourceError, `${adapter.id}: ${String(error)}`);
      assert.match(error.message, /answered with a redirect \(HTTP 307\).*Keys are not sent on redirects/);
    }
    assert.deepEqual(attackerHits, []);
  });
});

void describe('redaction', () => {
  const key = 'sk-ant-admin01-R3dAcT9mE4pLeAsE7x';
  const fragments = keyFragments(key, publicKeyPrefix(key));

  void it('removes the key, any 9-character run of it, and bearer tokens; keeps the public prefix advice', () => {
    const said = `bad key ${key}; starts ${key.slice(0, 20)}; ends ${key.slice(-9)}; middle ${key.slice(12, 24)}; Authorization: Bearer abc.def.ghi; use an sk-ant-admin01-… key`;
    const out = redact(said, [key]);
    for (const f of fragments) assert.ok(!out.includes(f), `"${f}" in ${out}`);
    assert.ok(!out.includes('abc.def.ghi'));
    assert.match(out, /use an sk-ant-admin01-… key/);
    assert.equal(redact('nothing secret at 127.0.0.1:8080/v1/usage', [key]), 'nothing secret at 127.0.0.1:8080/v1/usage');
  });

  void it('redacts an unknown sk- key it was not told about', () => {
    assert.doesNotMatch(redact('leaked sk-proj-abcdefghijklmnopqrstuvwxyz0123', []), /ghijklmnop/);
  });

  void it('applies to every message of the client: status errors, non-JSON bodies, schema errors', async () => {
    const server = createServer((req, res) => {
      const echo = `${key} ${key.slice(0, 18)}`;
      if (req.url === '/status') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: echo } }));
      } else if (req.url === '/html') res.end(`<html>${echo}</html>`);
      else res.end(JSON.stringify({ value: echo }));
    });
    const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
    try {
      const http = new HttpClient({ retries: 0 });
      for (const path of ['/status', '/html', '/schema']) {
        const error = await http.getJson({ url: new URL(`http://127.0.0.1:${port}${path}`), schema: v.object({ value: v.number() }), source: 'Test', secrets: [key] }).catch((e: unknown) => e);
        assert.ok(error instanceof SourceError, path);
        for (const f of fragments) assert.ok(!error.message.includes(f), `${path}: "${f}" in ${error.message}`);
      }
    } finally {
      server.close();
    }
  });
});

void describe('a key that cannot travel in a header', () => {
  void it('is refused with advice, sends nothing, and is not echoed', async () => {
    const realFetch = globalThis.fetch;
    let sent = 0;
    globalThis.fetch = (...args: Parameters<typeof fetch>) => {
      sent++;
      return realFetch(...args);
    };
    try {
      for (const bad of ['sk-admin-Line\nBreak-0123456789', 'sk-admin-Nul\u0000Char-0123456789']) {
        const error = await fetchWith(gatewayAdapter, 'http://127.0.0.1:1', new HttpClient({ retries: 2 }), bad);
        assert.ok(error instanceof SourceError, String(error));
        assert.equal(error.kind, 'auth');
        assert.match(error.message, /the key contains a character that cannot be sent .* nothing was sent\. Set the key again/);
        for (const f of keyFragments(bad, publicKeyPrefix(bad))) assert.ok(!error.message.includes(f));
      }
      assert.equal(sent, 2, 'one attempt each, not retried');
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});


void describe('an unexpected failure inside a source', () => {
  void it('is shown and logged without the key', async () => {
    const logs: string[] = [];
    const broken: SourceAdapter = {
      ...gatewayAdapter,
      fetch: ({ key }) => Promise.reject(new TypeError(`cannot read 'x' of undefined while using ${key ?? ''}`)),
    };
    const service = new BudgetService({
      adapters: [broken],
      http: new HttpClient(),
      store: new LedgerStore(await mkdtemp(join(tmpdir(), 'tb-unexpected-'))),
      config: () => readConfig((k) => ({ 'sources.gateway.url': 'https://gw.example.com' })[k]),
      key: () => Promise.resolve(KEY),
      logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
      now: () => NOW,
    });
    await service.refresh('test');
    const error = service.snapshot.sources[0]?.error ?? '';
    assert.match(error, /unexpected failure \(cannot read 'x' of undefined while using \[redacted\]\)/);
    for (const text of [error, ...logs]) for (const f of keyFragments(KEY, publicKeyPrefix(KEY))) assert.ok(!text.includes(f), text);
  });
});
