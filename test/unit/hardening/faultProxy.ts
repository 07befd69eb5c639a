/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of any fake (the gateway simulator, the
 * provider fakes): it forwards every request unchanged, counts them, and on demand breaks the
 * transport the way networks and servers do — a request that never gets an answer, a connection
 * dropped mid-request, a server that is not there at all, a status with or without
 * `Retry-After`, a 50 MB body. Faults of the content (truncated JSON, wrong types, endless paging)
 * come from the fakes themselves.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ProxyFault = {
  /** Only the next `times` matching requests (then the fault clears itself). */
  times?: number;
  /** Only these exact pathnames. */
  paths?: string[];
} & (
  | { kind: 'hang' }
  | { kind: 'drop' }
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** 200 with `bytes` of a JSON array, streamed with backpressure; `declared` sends Content-Length. */
  | { kind: 'huge'; bytes: number; declared?: boolean }
);

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly fault: ProxyFault['kind'] | null;
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: readonly ProxiedRequest[];
  /** Bytes of the last `huge` body written before the client hung up (or all of it). */
  readonly hugeBytesSent: number;
  setFault(fault: ProxyFault | null): void;
  /** Stops listening (connections are refused) or listens again on the same port. */
  setOffline(offline: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();
  let fault: ProxyFault | null = null;
  let left = Infinity;
  let hugeBytesSent = 0;

  const take = (path: string): ProxyFault | null => {
    if (!fault || (fault.paths && !fault.paths.includes(path))) return null;
    const taken = fault;
    left -= 1;
    if (left <= 0) fault = null;
    return taken;
  };

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const out = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  };

  const huge = (res: ServerResponse, bytes: number, declared: boolean): void => {
    hugeBytesSent = 0;
    res.writeHead(200, { 'Content-Type': 'application/json', ...(declared ? { 'Content-Length': String(bytes) } : {}) });
    const chunk = Buffer.from('0,'.repeat(32 * 1024));
    let left = bytes - 2;
    let closed = false;
    res.on('close', () => (closed = true));
    res.write('[');
    hugeBytesSent = 1;
    const pump = (): void => {
      while (!closed && left > chunk.length) {
        left -= chunk.length;
        hugeBytesSent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed) {
        hugeBytesSent += left + 1;
        res.end(`${'0,'.repeat(Math.max(0, Math.floor((left - 1) / 2)))}0${left % 2 === 0 ? ' ' : ''}]`);
      }
    };
    pump();
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy.invalid').pathname;
    const f = take(path);
    requests.push({ method: req.method ?? 'GET', path, fault: f?.kind ?? null });
    switch (f?.kind) {
      case 'hang':
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case 'status': {
        const body = f.body ?? JSON.stringify({ error: { code: 'internal', message: `Injected HTTP ${f.status}` } });
        res.writeHead(f.status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), ...(f.retryAfter !== undefined ? { 'Retry-After': f.retryAfter } : {}) });
        res.end(body);
        return;
      }
      case 'huge':
        huge(res, f.bytes, f.declared === true);
        return;
      default:
        forward(req, res);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const res of held) res.destroy();
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });

  await listen(0);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get hugeBytesSent() {
      return hugeBytesSent;
    },
    setFault(f) {
      fault = f ? { ...f } : null;
      left = f?.times ?? Infinity;
    },
    async setOffline(offline) {
      if (offline) await stop();
      else if (!server.listening) await listen(port);
    },
    close: stop,
  };
}
