/**
 * The log parsers, one per coding agent: a new agent is one file in this folder (see types.ts)
 * and one line here (its id joins `LocalSourceId` in paths.ts, where its log folders are found).
 */
import type { LocalSourceId } from '../paths';
import { antigravityFormat } from './antigravity';
import { claudeParser } from './claude';
import { codexParser } from './codex';
import { copilotCliFormat } from './copilotCli';
import { recordParser } from './records';
import type { LogParser } from './types';

const PARSERS: { readonly [K in LocalSourceId]: LogParser<unknown> } = {
  claudeCode: claudeParser,
  codex: codexParser,
  copilotCli: recordParser(copilotCliFormat),
  antigravity: recordParser(antigravityFormat),
};

/** The parser of a source's logs. */
export function parserOf(source: LocalSourceId): LogParser<unknown> {
  return PARSERS[source];
}
