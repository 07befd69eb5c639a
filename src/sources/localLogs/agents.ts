/**
 * The coding agents whose logs on this machine are sources: one line each. They need no key, read
 * `tokenBudget.sources.<id>.enabled` (`auto` | `on` | `off`) and `.paths` (machine-scoped: paths on
 * this machine), and share one `AgentLogs` (one scan worker, one watcher).
 */
import { defineSource } from '../descriptor';
import type { LocalSourceId } from './paths';

function agent<const Id extends LocalSourceId>(id: Id, label: string, detail: string) {
  return defineSource({
    id,
    label,
    group: 'agentLogs',
    settings: { enabled: 'machine', paths: 'machine' },
    switch: { type: 'tristate', setting: 'enabled' },
    pick: { icon: 'terminal', detail: `No key: reads ${detail}` },
    carriesAgentTraffic: false,
    create: ({ agentLogs }) => agentLogs.adapter(id, label),
  });
}

export const CLAUDE_CODE = agent('claudeCode', 'Claude Code (local logs)', '~/.claude / ~/.config/claude');
export const CODEX = agent('codex', 'Codex (local logs)', '~/.codex');
export const COPILOT_CLI = agent('copilotCli', 'GitHub Copilot CLI (local logs)', '~/.copilot');
export const ANTIGRAVITY = agent('antigravity', 'Antigravity (local logs)', '~/.gemini/antigravity-cli');
