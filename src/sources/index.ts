/** The sources: the registry, and an unstarted set of their adapters for tools and tests (the extension makes its own with `createSources`). */
import { createSources } from './registry';
import type { SourceAdapter } from './types';

export { gatewayAdapter } from './gateway';
export { createSources, SOURCES } from './registry';

/** One adapter per registered source, never started: memory only, no watching (tools and tests). */
export const ADAPTERS: readonly SourceAdapter[] = createSources().adapters;
