/**
 * The log parsers, one per coding agent: Claude Code's and Codex's by hand, every other agent's
 * made from its format (format.ts, records.ts). A new agent is its format file in this folder,
 * one line here, its id in AGENTS (core/types.ts), its descriptor in AGENT_SOURCES (agents.ts)
 * and its two settings in package.json's Coding Agents group (test/unit/sources/registry.test.ts
 * fails on any of them missing).
 */
import type { LocalSourceId, ReadableAgentId } from '../paths';
import { ampFormat } from './amp';
import { antigravityFormat } from './antigravity';
import { claudeParser } from './claude';
import { codexParser } from './codex';
import { copilotCliFormat } from './copilotCli';
import { droidFormat } from './droid';
import { geminiCliFormat } from './gemini';
import { gooseFormat } from './goose';
import { grokFormat } from './grok';
import { hermesFormat } from './hermes';
import { kiloFormat } from './kilo';
import { kimiFormat } from './kimi';
import { openClawFormat } from './openClaw';
import { openCodeFormat } from './opencode';
import { piFormat } from './pi';
import { qwenCodeFormat } from './qwen';
import { recordParser } from './records';
import type { LogParser } from './types';
import { zcodeFormat } from './zcode';

const PARSERS: { readonly [K in ReadableAgentId]: LogParser<unknown> } = {
  claudeCode: claudeParser,
  codex: codexParser,
  geminiCli: recordParser(geminiCliFormat),
  openCode: recordParser(openCodeFormat),
  copilotCli: recordParser(copilotCliFormat),
  amp: recordParser(ampFormat),
  qwenCode: recordParser(qwenCodeFormat),
  kilo: recordParser(kiloFormat),
  goose: recordParser(gooseFormat),
  droid: recordParser(droidFormat),
  kimi: recordParser(kimiFormat),
  grok: recordParser(grokFormat),
  antigravity: recordParser(antigravityFormat),
  hermes: recordParser(hermesFormat),
  pi: recordParser(piFormat),
  openClaw: recordParser(openClawFormat),
  zcode: recordParser(zcodeFormat),
};

/** The parser of a source's logs. */
export function parserOf(source: LocalSourceId): LogParser<unknown> {
  if (!(source in PARSERS)) throw new Error(`${source}: its logs cannot be read (no parser)`);
  return PARSERS[source as ReadableAgentId];
}
