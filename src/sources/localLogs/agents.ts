/**
 * The coding agents whose logs on this machine are sources: one line each. They need no key, read
 * `tokenBudget.sources.<id>.enabled` (`auto` | `on` | `off`) and `.paths` (machine-scoped: paths on
 * this machine), and share one `AgentLogs` (one scan worker, one watcher).
 */
import { defineSource } from '../descriptor';
import { unreadableAdapter } from './unreadable';
import type { LocalSourceId } from './paths';

/**
 * An agent's source. `unreadable`: its logs cannot be read reliably, so it is listed, always off,
 * saying why (never a guessed $0).
 */
function agent<const Id extends LocalSourceId>(id: Id, label: string, detail: string, unreadable?: string) {
  return defineSource({
    id,
    label,
    group: 'agentLogs',
    settings: { enabled: 'machine', paths: 'machine' },
    switch: { type: 'tristate', setting: 'enabled' },
    pick: unreadable ? { icon: 'circle-slash', detail: unreadable } : { icon: 'terminal', detail: `No key: reads ${detail}` },
    carriesAgentTraffic: false,
    create: ({ agentLogs }) => (unreadable ? unreadableAdapter(id, label, unreadable) : agentLogs.adapter(id, label)),
  });
}

/**
 * Codebuff's local files (chat and run state under `~/.config/manicode`) hold the credits charged
 * and cumulative cache counts, but no output tokens and no model per call, and credits are
 * Codebuff's own unit, not USD (test/fixtures/agents/codebuff/README.md has the evidence).
 */
const CODEBUFF_NOTE = 'Codebuff keeps no per-model token counts on this machine (only its own credits), so its usage cannot be counted here.';


export const CLAUDE_CODE = agent('claudeCode', 'Claude Code (local logs)', '~/.claude / ~/.config/claude');
export const CODEX = agent('codex', 'Codex (local logs)', '~/.codex');
export const GEMINI_CLI = agent('geminiCli', 'Gemini CLI (local logs)', '~/.gemini');
export const OPEN_CODE = agent('openCode', 'OpenCode (local logs)', '~/.local/share/opencode');
export const COPILOT_CLI = agent('copilotCli', 'GitHub Copilot CLI (local logs)', '~/.copilot');
export const AMP = agent('amp', 'Amp (local logs)', '~/.local/share/amp');
export const QWEN_CODE = agent('qwenCode', 'Qwen Code (local logs)', '~/.qwen');
export const KILO = agent('kilo', 'Kilo (local logs)', '~/.local/share/kilo');
export const GOOSE = agent('goose', 'Goose (local logs)', '~/.local/share/goose');
export const DROID = agent('droid', 'Factory Droid (local logs)', '~/.factory');
export const CODEBUFF = agent('codebuff', 'Codebuff (local logs)', '~/.config/manicode', CODEBUFF_NOTE);
export const KIMI = agent('kimi', 'Kimi Code (local logs)', '~/.kimi');
export const GROK = agent('grok', 'Grok Build (local logs)', '~/.grok');
export const ANTIGRAVITY = agent('antigravity', 'Antigravity (local logs)', '~/.gemini/antigravity');
export const HERMES = agent('hermes', 'Hermes (local logs)', '~/.hermes');
export const PI = agent('pi', 'pi (local logs)', '~/.pi/agent');
export const OPEN_CLAW = agent('openClaw', 'OpenClaw (local logs)', '~/.openclaw');
export const ZCODE = agent('zcode', 'ZCode (local logs)', '~/.zcode');

/** Every agent, in SourceId order (the registry lists them after the network sources). */
export const AGENT_SOURCES = [CLAUDE_CODE, CODEX, GEMINI_CLI, OPEN_CODE, COPILOT_CLI, AMP, QWEN_CODE, KILO, GOOSE, DROID, CODEBUFF, KIMI, GROK, ANTIGRAVITY, HERMES, PI, OPEN_CLAW, ZCODE] as const;
