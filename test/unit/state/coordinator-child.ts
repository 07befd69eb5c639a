/**
 * One "window" in its own process, for the multi-process coordination test:
 *   node --import tsx coordinator-child.ts NAME DIR GATEWAY_URL
 * Prints one JSON line per role change ({"name","role"}) and keeps running until killed (SIGTERM
 * releases the lease like a closing window; SIGKILL is a crash).
 */
import { openWindow } from './windows';

const [name, dir, url] = process.argv.slice(2);
if (!name || !dir || !url) {
  console.error('usage: coordinator-child.ts NAME DIR GATEWAY_URL');
  process.exit(2);
}

void (async () => {
  const window = await openWindow(name, dir, url);
  const say = (role: string) => process.stdout.write(`${JSON.stringify({ name, role })}\n`);
  say(window.coordinator.isLeader ? 'leader' : 'follower');
  window.coordinator.onDidChangeRole(say);
  process.on('SIGTERM', () => {
    void window.coordinator.dispose().finally(() => process.exit(0));
  });
})();
