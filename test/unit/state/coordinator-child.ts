/**
 * One "window" in its own process, for the multi-process coordination test:
 *   node coordinator-child.js NAME DIR GATEWAY_URL [CLOCK_START]
 * Prints one JSON line per role change ({"name","role"}) and keeps running until killed (SIGTERM
 * releases the lease like a closing window; SIGKILL is a crash).
 *
 * With CLOCK_START (ms since the epoch), its coordinator runs on a TestClock starting there, which
 * the test moves for all its processes at once: a line `to T` on stdin moves it to T (timer time),
 * firing the timers due meanwhile and waiting for their work; then it prints {"at":T,"next":N}
 * (N: when its next timer is due). It exits when stdin ends.
 */
import { TestClock } from './testClock';
import { openWindow } from './windows';

const [name, dir, url, clockStart] = process.argv.slice(2);
if (!name || !dir || !url) {
  console.error('usage: coordinator-child.ts NAME DIR GATEWAY_URL [CLOCK_START]');
  process.exit(2);
}

const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

void (async () => {
  const clock = clockStart === undefined ? undefined : new TestClock(Number(clockStart));
  const window = await openWindow(name, dir, url, clock ? { clock } : {});
  say({ name, role: window.coordinator.isLeader ? 'leader' : 'follower' });
  window.coordinator.onDidChangeRole((role) => say({ name, role }));
  process.on('SIGTERM', () => {
    void window.coordinator.dispose().finally(() => process.exit(0));
  });
  if (!clock) return;
  // Moved by the test, one `to T` at a time.
  let input = '';
  let moving = Promise.resolve();
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    input += chunk;
    let nl: number;
    while ((nl = input.indexOf('\n')) >= 0) {
      const line = input.slice(0, nl);
      input = input.slice(nl + 1);
      const to = /^to (\d+(?:\.\d+)?)$/.exec(line);
      if (!to) continue;
      const target = Number(to[1]);
      moving = moving.then(async () => {
        await clock.advance(Math.max(0, target - clock.timerTime));
        say({ at: target, next: clock.next() ?? null });
      });
    }
  });
  process.stdin.on('end', () => process.exit(0));
})();
