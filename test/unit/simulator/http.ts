/** Small HTTP helpers for the simulator tests (real sockets, no mocks). */
import type { Simulator } from '../../../tools/simulator/server';

export interface Got {
  status: number;
  headers: Headers;
  text: string;
}

export async function get(sim: Simulator, path: string, key: string | null = sim.key): Promise<Got> {
  const res = await fetch(`${sim.url}${path}`, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export async function getJson<T = unknown>(sim: Simulator, path: string, key: string | null = sim.key): Promise<{ status: number; headers: Headers; body: T }> {
  const got = await get(sim, path, key);
  return { status: got.status, headers: got.headers, body: JSON.parse(got.text) as T };
}

export async function post(sim: Simulator, path: string, body: unknown): Promise<Got> {
  const res = await fetch(`${sim.url}${path}`, { method: 'POST', body: body === undefined ? '' : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export interface UsagePage {
  days: { date: string; cost: number }[];
  next_cursor: string | null;
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export function usagePath(from: string, to: string, cursor?: string | null): string {
  const q = new URLSearchParams({ from, to });
  if (cursor) q.set('cursor', cursor);
  return `/v1/usage?${q.toString()}`;
}
