/**
 * The start of every keyed source's fetch (the gateway, LiteLLM, OpenRouter, OpenAI, Anthropic):
 * its URL setting parsed, its key required, and what it remembered from its last fetch checked
 * against its schema.
 */
import * as v from 'valibot';
import { parseSourceUrl, SourceError } from './http';
import { contextNow } from './providerCommon';
import type { FetchContext, KeyedFetchInput } from './types';

export interface KeyedSource<S extends v.GenericSchema> {
  /** The source's name, as its messages begin. */
  readonly name: string;
  /** The URL setting's value and its name (for the message when it is not a URL). */
  readonly url: string;
  readonly urlSetting: string;
  /** What to do without a key: the message is "<name>: no key. <keyHint>". */
  readonly keyHint: string;
  /** The shape of the sync state the source stores. */
  readonly syncSchema: S;
}

/**
 * What a keyed source's fetch starts from: its fetch input, with the stored sync state when it fits
 * the schema (undefined when there is none or it does not: start over), and the instant of the
 * fetch (see `contextNow`).
 */
export type KeyedFetchStart<Sync> = KeyedFetchInput<Sync | undefined> & { readonly now: Date };

/**
 * Parses the source's URL setting (throwing its config error), throws an `auth` error when there
 * is no key, and validates the stored sync state.
 */
export function keyedAdapterContext<S extends v.GenericSchema>(context: FetchContext, source: KeyedSource<S>): KeyedFetchStart<v.InferOutput<S>> {
  const baseUrl = parseSourceUrl(source.url, source.urlSetting);
  if (!context.key) {
    throw new SourceError('auth', `${source.name}: no key. ${source.keyHint}`);
  }
  const previous = v.safeParse(source.syncSchema, context.sync);
  return {
    http: context.http,
    baseUrl,
    key: context.key,
    yearStart: context.yearStart,
    today: context.today,
    utcToday: context.utcToday,
    now: contextNow(context),
    sync: previous.success ? previous.output : undefined,
  };
}
