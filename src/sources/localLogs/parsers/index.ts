/**
 * The log parsers, one per coding agent: a new agent is one file in this folder (see types.ts)
 * and one line here (its id joins `LocalSourceId` in paths.ts, where its log folders are found).
 */
import type { LocalSourceId } from '../paths';
import { ampFormat } from './amp';
import { claudeParser } from './claude';
import { codexParser } from './codex';
import { droidFormat } from './droid';
import { geminiCliFormat } from './gemini';
import { kiloFormat } from './kilo';
import { openCodeFormat } from './opencode';
import { qwenCodeFormat } from './qwen';
import { recordParser } from './records';
import type { LogParser } from './types';

const PARSERS: { readonly [K in LocalSourceId]: LogParser<unknown> } = {
  claudeCode: claudeParser,
  codex: codexParser,
  geminiCli: recordParser(geminiCliFormat),
  openCode: recordParser(openCodeFormat),
  amp: recordParser(ampFormat),
  qwenCode: recordParser(qwenCodeFormat),
  kilo: recordParser(kiloFormat),
  droid: recordParser(droidFormat),
};

/** The parser of a source's logs. */
export function parserOf(source: LocalSourceId): LogParser<unknown> {
  return PARSERS[source];
}
