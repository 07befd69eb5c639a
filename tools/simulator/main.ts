/**
 * The allowance gateway simulator as a process.
 *
 *   node --import tsx tools/simulator/main.ts [--port N] [--key K] [--seed S]
 *        [--budget AMOUNT|none] [--scale X] [--now ISO-INSTANT] [--page-size N]
 *        [--history-from YYYY-MM-DD] [--misreport-spent USD]
 *
 * Prints one line of JSON to stdout once listening, {"url": …, "key": …, "port": …}, and runs
 * until SIGINT or SIGTERM. Without --now the data is live: as_of is the time of each request and
 * today's spend grows through the day. Faults are set through the control API, e.g.
 *
 *   curl -X POST "$URL/__control/fault" -d '{"kind":"rate_limit","retryAfter":2,"times":1}'
 */
import { parseArgs } from 'node:util';
import { isDayKey } from './days';
import { DEFAULT_SEED, generateHistory } from './history';
import type { HistoryOptions } from './history';
import { DEFAULT_KEY, startSimulator } from './server';
import type { SimulatorOptions } from './server';

const USAGE = 'usage: node --import tsx tools/simulator/main.ts [--port N] [--key K] [--seed S] [--budget AMOUNT|none] [--scale X] [--now ISO-INSTANT] [--page-size N] [--history-from YYYY-MM-DD] [--misreport-spent USD]';

const HELP = `${USAGE}

  --port N                   port on 127.0.0.1 (default 0: any free port)
  --key K                    the bearer key it accepts (default tb-demo-key)
  --seed S                   seed of the simulated history (default 42)
  --budget AMOUNT|none       the budget in USD (default 250000); none = "budget": null
  --scale X                  multiplies every amount (default 1)
  --now ISO-INSTANT          freeze time (default: the clock, live)
  --page-size N              calendar days per /v1/usage page, 1-100 (default 100)
  --history-from YYYY-MM-DD  first day of the history, on or before the period start (default:
                             the period start); /v1/usage then has spend before the period too
  --misreport-spent USD      add USD to the spent /v1/allowance reports (default 0; may be
                             negative), so that it disagrees with the sum of /v1/usage
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function numberArg(name: string, text: string | undefined, check: (n: number) => boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) fail(`invalid --${name}: ${text}`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        key: { type: 'string' },
        seed: { type: 'string' },
        budget: { type: 'string' },
        scale: { type: 'string' },
        now: { type: 'string' },
        'page-size': { type: 'string' },
        'history-from': { type: 'string' },
        'misreport-spent': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }

  const history: HistoryOptions = { seed: numberArg('seed', values.seed, Number.isInteger) ?? DEFAULT_SEED };
  const scale = numberArg('scale', values.scale, (n) => n >= 0);
  if (scale !== undefined) history.scale = scale;
  if (values.budget !== undefined) history.budgetAmount = values.budget === 'none' ? null : numberArg('budget', values.budget, (n) => n >= 0);
  if (values.now !== undefined) {
    const now = new Date(values.now);
    if (Number.isNaN(now.getTime())) fail(`invalid --now: ${values.now}`);
    history.now = now;
  }
  if (values['history-from'] !== undefined) {
    if (!isDayKey(values['history-from'])) fail(`invalid --history-from: ${values['history-from']}`);
    history.historyStart = values['history-from'];
  }

  const options: SimulatorOptions = {
    port: numberArg('port', values.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535) ?? 0,
    key: values.key ?? DEFAULT_KEY,
    history,
    pageSize: numberArg('page-size', values['page-size'], (n) => Number.isInteger(n) && n >= 1 && n <= 100),
    misreportSpent: numberArg('misreport-spent', values['misreport-spent'], () => true) ?? 0,
  };
  // Options that only generating the history can judge (e.g. --history-from after the period start).
  try {
    generateHistory({ ...history, now: history.now ?? new Date() });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const sim = await startSimulator(options);
  process.stdout.write(`${JSON.stringify({ url: sim.url, key: sim.key, port: sim.port })}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while closing: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
