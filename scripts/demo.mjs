// Shows the extension working in a real editor: builds the .vsix, installs code-server and
// Chromium if needed, starts the allowance-gateway simulator (demo data, labelled as such in
// the UI) and opens a VS Code workbench on 127.0.0.1 pointed at it. Prints the address.
//
//   npm run demo                 # port 8080 (or the next free one)
//   TB_DEMO_PORT=9000 npm run demo
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildVsix, ensureDependencies, root } from './lib/steps.mjs';

await ensureDependencies();
console.log('[demo] building token-budget.vsix…');
const vsix = await buildVsix();
const { ensureEditor, launchEditor } = await import('./lib/editor.mjs');
await ensureEditor({ log: (m) => console.log(m) });

console.log('[demo] starting the allowance-gateway simulator…');
const sim = spawn(process.execPath, ['--import', 'tsx', join(root, 'tools/simulator/main.ts'), '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const simInfo = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: sim.stdout });
  lines.once('line', (line) => resolve(JSON.parse(line)));
  sim.once('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
});
console.log(`[demo] simulator at ${simInfo.url}`);

const workspaceDir = join(root, '.cache', 'demo-workspace');
mkdirSync(workspaceDir, { recursive: true });
writeFileSync(join(workspaceDir, 'README.md'), '# Token Budget demo\n\nThe status bar (bottom right) shows the demo allowance. Click it for the dashboard.\n');

const editor = await launchEditor({
  vsixPath: vsix,
  port: Number(process.env.TB_DEMO_PORT ?? 8080),
  workspaceDir,
  userSettings: { 'tokenBudget.sources.gateway.url': simInfo.url, 'workbench.colorTheme': 'Default Dark Modern' },
  env: { TOKEN_BUDGET_GATEWAY_KEY: simInfo.key },
  idleTimeoutSeconds: 0, // a demo waits for its visitor however long it takes
  log: (m) => console.log(m),
});

console.log('\n────────────────────────────────────────────────────────────');
console.log(`  Token Budget demo is running: open ${editor.url}`);
console.log('  Data: the allowance-gateway simulator (demo data, labelled "demo" in the UI).');
console.log('  Press Ctrl+C to stop.');
console.log('────────────────────────────────────────────────────────────\n');

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log('\n[demo] stopping…');
  await editor.stop();
  sim.kill('SIGTERM');
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
