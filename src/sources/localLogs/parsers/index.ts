/**
 * The log parsers, one per coding agent: a new agent is one file in this folder (see types.ts)
 * and one line here (its id joins `LocalSourceId` in paths.ts, where its log folders are found).
 */
import type { LocalSourceId } from '../paths';
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

const PARSERS: { readonly [K in LocalSourceId]: LogParser<unknown> } = {
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
  return PARSERS[source];
}
