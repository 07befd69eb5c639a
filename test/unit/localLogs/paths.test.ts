import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { candidateRoots, localSourceEnabled, scanDirs } from '../../../src/sources/localLogs/paths';
import { networkSourceConfigured } from '../../../src/sources/registry';
import { tempHome } from './helpers';

const config = (settings: Record<string, unknown> = {}) => readConfig((k) => settings[k]);

void describe('log locations', () => {
  void it('Claude Code: CLAUDE_CONFIG_DIR (comma list, ~, a path naming projects/) else XDG and ~/.claude', () => {
    const home = '/home/dev';
    assert.deepEqual(candidateRoots('claudeCode', [], {}, home), ['/home/dev/.config/claude', '/home/dev/.claude']);
    assert.deepEqual(candidateRoots('claudeCode', [], { XDG_CONFIG_HOME: '/xdg' }, home), ['/xdg/claude', '/home/dev/.claude']);
    assert.deepEqual(candidateRoots('claudeCode', [], { CLAUDE_CONFIG_DIR: ' ~/work-claude , /opt/claude/projects,,/opt/claude ' }, home), ['/home/dev/work-claude', '/opt/claude']);
    // The setting wins over the environment.
    assert.deepEqual(candidateRoots('claudeCode', ['~/mine'], { CLAUDE_CONFIG_DIR: '/env' }, home), ['/home/dev/mine']);
  });

  void it('Codex: CODEX_HOME (comma list) else ~/.codex; sessions/ and archived_sessions/, else the folder itself', () => {
    assert.deepEqual(candidateRoots('codex', [], {}, '/h'), ['/h/.codex']);
    assert.deepEqual(candidateRoots('codex', [], { CODEX_HOME: '/a,/b' }, '/h'), ['/a', '/b']);
    const home = tempHome();
    const both = path.join(home, 'both');
    mkdirSync(path.join(both, 'sessions'), { recursive: true });
    mkdirSync(path.join(both, 'archived_sessions'), { recursive: true });
    const bare = path.join(home, 'bare');
    mkdirSync(bare);
    assert.deepEqual(scanDirs('codex', [both, bare, path.join(home, 'missing')]), [path.join(both, 'sessions'), path.join(both, 'archived_sessions'), bare]);
  });

  void it('Claude Code scans projects/ of the roots that have one', () => {
    const home = tempHome();
    mkdirSync(path.join(home, 'a', 'projects'), { recursive: true });
    mkdirSync(path.join(home, 'b'), { recursive: true });
    assert.deepEqual(scanDirs('claudeCode', [path.join(home, 'a'), path.join(home, 'b')]), [path.join(home, 'a', 'projects')]);
  });

  void it('auto is on only without a network source, and only where the logs exist; on and off are what they say', () => {
    const home = tempHome();
    mkdirSync(path.join(home, '.claude', 'projects'), { recursive: true });
    const env = {};
    const enabled = (source: 'claudeCode' | 'codex', c: ReturnType<typeof config>) => localSourceEnabled(source, c, networkSourceConfigured(c), env, home);
    assert.equal(enabled('claudeCode', config()), true);
    assert.equal(enabled('codex', config()), false, 'no ~/.codex here');
    for (const network of [{ 'sources.gateway.url': 'https://gw.example.com' }, { 'sources.litellm.url': 'https://l.example.com' }, { 'sources.openrouter.enabled': true }, { 'sources.openai.enabled': true }, { 'sources.anthropic.enabled': true }]) {
      assert.equal(networkSourceConfigured(config(network)), true);
      assert.equal(enabled('claudeCode', config(network)), false, JSON.stringify(network));
      assert.equal(enabled('claudeCode', config({ ...network, 'sources.claudeCode.enabled': 'on' })), true);
    }
    assert.equal(networkSourceConfigured(config({ 'sources.claudeCode.enabled': 'on', 'sources.openai.baseUrl': 'https://api.openai.com/v1' })), false, 'an agent, or a provider that is off, is no network source');
    assert.equal(enabled('claudeCode', config({ 'sources.claudeCode.enabled': 'off' })), false);
    assert.equal(enabled('codex', config({ 'sources.codex.enabled': 'on' })), true);
  });
});
