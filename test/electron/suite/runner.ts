// A tiny sequential test runner for the extension host (mocha is not a dependency).
// Prints TAP-like lines (`ok N - name` / `not ok N - name`) and a final `N passed, N failed`,
// and, when given a file, appends one JSON line per event to it, so that a harness that cannot
// read the extension host's stdout (code-server) still gets every result.

import { appendFileSync } from 'node:fs';
import { inspect } from 'node:util';

export interface TestCase {
  readonly name: string;
  readonly fn: () => Promise<void>;
  /** Default 60 000 ms. */
  readonly timeoutMs?: number;
}

export interface Hooks {
  /** Runs before the first test; a failure fails every test (reported as `not ok`). */
  readonly before?: () => Promise<void>;
  /** Runs after the last test, even when tests failed; a failure is reported, not thrown. */
  readonly after?: () => Promise<void>;
}

/** One line of the results file. */
export type ResultEvent =
  | { readonly event: 'start'; readonly total: number; readonly at: string }
  | { readonly event: 'test'; readonly n: number; readonly name: string; readonly ok: boolean; readonly ms: number; readonly error?: string }
  | { readonly event: 'log'; readonly message: string }
  | { readonly event: 'end'; readonly passed: number; readonly failed: number; readonly ms: number };

export interface RunOptions {
  /** Appends JSON lines (ResultEvent) here. */
  readonly resultsFile?: string | undefined;
  readonly print?: (line: string) => void;
}

export interface RunSummary {
  readonly passed: number;
  readonly failed: number;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return inspect(error);
}

function withTimeout<T>(name: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`"${name}" timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function runTests(tests: readonly TestCase[], hooks: Hooks = {}, opts: RunOptions = {}): Promise<RunSummary> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const emit = (event: ResultEvent) => {
    if (!opts.resultsFile) return;
    try {
      appendFileSync(opts.resultsFile, JSON.stringify(event) + '\n');
    } catch (error) {
      print(`# could not write ${opts.resultsFile}: ${describeError(error)}`);
    }
  };
  const started = Date.now();
  emit({ event: 'start', total: tests.length, at: new Date().toISOString() });
  print(`1..${tests.length}`);

  let setupError: string | undefined;
  if (hooks.before) {
    try {
      await withTimeout('before', 60_000, hooks.before());
    } catch (error) {
      setupError = `setup failed: ${describeError(error)}`;
    }
  }

  let passed = 0;
  let failed = 0;
  for (const [i, test] of tests.entries()) {
    const n = i + 1;
    const t0 = Date.now();
    let error: string | undefined = setupError;
    if (error === undefined) {
      try {
        await withTimeout(test.name, test.timeoutMs ?? 60_000, test.fn());
      } catch (e) {
        error = describeError(e);
      }
    }
    const ms = Date.now() - t0;
    if (error === undefined) {
      passed++;
      print(`ok ${n} - ${test.name} (${ms} ms)`);
      emit({ event: 'test', n, name: test.name, ok: true, ms });
    } else {
      failed++;
      print(`not ok ${n} - ${test.name} (${ms} ms)`);
      for (const line of error.split('\n')) print(`  # ${line}`);
      emit({ event: 'test', n, name: test.name, ok: false, ms, error });
    }
  }

  if (hooks.after) {
    try {
      await withTimeout('after', 30_000, hooks.after());
    } catch (error) {
      const message = `teardown failed: ${describeError(error)}`;
      print(`# ${message}`);
      emit({ event: 'log', message });
    }
  }

  print(`${passed} passed, ${failed} failed`);
  emit({ event: 'end', passed, failed, ms: Date.now() - started });
  return { passed, failed };
}
