/**
 * Fixture stores of Kilo: OpenCode's store under Kilo's names (`~/.local/share/kilo/kilo.db`),
 * written by the shared generator in opencode.ts with `agent: 'kilo'`. Shapes and references:
 * test/fixtures/agents/kilo/README.md.
 */
import { writeStoreCorpus, writeStoreTraps, type Corpus, type Traps } from './opencode';

export function writeKiloCorpus(home: string, seed = 11): Corpus {
  return writeStoreCorpus(home, { agent: 'kilo', seed });
}

export function writeKiloTraps(home: string): Traps {
  return writeStoreTraps(home, 'kilo');
}
