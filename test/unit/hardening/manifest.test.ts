// Where the extension runs and what it declares (docs/security.md, "Where it runs"): it prefers the
// UI side (the user's own machine), falls back to the workspace side where the UI cannot run Node
// extensions; it reads no workspace file, so untrusted and virtual workspaces are supported; its
// only files are its global storage and the coding agents' own log folders.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main?: string;
  browser?: string;
  extensionKind?: string[];
  capabilities?: { untrustedWorkspaces?: { supported?: unknown; restrictedConfigurations?: unknown }; virtualWorkspaces?: unknown };
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}
const SRC = tsFiles(join(ROOT, 'src')).map((path) => ({ path: relative(ROOT, path).split(sep).join('/'), text: readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1') }));

void describe('the manifest', () => {
  void it('prefers the workspace side (where the terminal and its agents run), with the UI side as fallback', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace', 'ui']);
  });

  void it('declares untrusted and virtual workspaces supported, in full', () => {
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, true);
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations, undefined);
    assert.equal(manifest.capabilities?.virtualWorkspaces, true);
  });

  void it('is a Node extension only (no web-worker entry: a browser-only window runs it on the workspace side)', () => {
    assert.equal(manifest.main, './dist/extension.js');
    assert.equal(manifest.browser, undefined);
  });
});

void describe('what the extension touches', () => {
  void it('reads no workspace file: the only workspace API is the CSV export writing where the user chose', () => {
    const WORKSPACE_FILE_APIS = /\bworkspace\.(fs|findFiles|openTextDocument|workspaceFolders|createFileSystemWatcher|rootPath|workspaceFile|textDocuments|getWorkspaceFolder|asRelativePath|openNotebookDocument)\b/g;
    const uses = SRC.flatMap((f) => [...f.text.matchAll(WORKSPACE_FILE_APIS)].map((m) => `${f.path}: ${m[0]}`));
    assert.deepEqual(uses.sort(), ['src/ui/exportCsv.ts: workspace.fs', 'src/ui/exportCsv.ts: workspace.workspaceFolders']);
    const csv = SRC.find((f) => f.path === 'src/ui/exportCsv.ts')?.text ?? '';
    assert.match(csv, /showSaveDialog/, 'the target comes from the save dialog');
    assert.match(csv, /workspace\.fs\.writeFile\(target,/, 'and it only writes there');
  });

  void it('uses the file system only in state/ (its global storage) and in the local-log sources (the agents’ folders)', () => {
    const fsUsers = SRC.filter((f) => /from 'node:fs(\/promises)?'|from 'fs'|require\('(node:)?fs'\)/.test(f.text)).map((f) => f.path);
    assert.ok(fsUsers.length > 0);
    for (const path of fsUsers) assert.ok(path.startsWith('src/state/') || path.startsWith('src/sources/localLogs/'), `${path} uses the file system`);
  });

  void it('keeps its state in the global storage (shared by every window), never in workspace storage', () => {
    for (const f of SRC) assert.doesNotMatch(f.text, /\bcontext\.storageUri\b|\bstoragePath\b/, f.path);
    const extension = SRC.find((f) => f.path === 'src/extension.ts')?.text ?? '';
    assert.match(extension, /new LedgerStore\(context\.globalStorageUri\.fsPath\)/);
  });

  void it('runs no workspace code and starts no process: no child_process, no terminal, no tasks', () => {
    for (const f of SRC) {
      assert.doesNotMatch(f.text, /from 'node:child_process'|from 'child_process'|createTerminal|tasks\.executeTask/, f.path);
    }
  });
});
