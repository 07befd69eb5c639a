/**
 * The adapter of a coding agent whose logs cannot be read reliably (parsers/ has no format for
 * it): always off, its reason shown with the source on the dashboard, and nothing fetched.
 */
import type { SourceAdapter } from '../types';
import type { LocalSourceId } from './paths';

export function unreadableAdapter(id: LocalSourceId, label: string, why: string): SourceAdapter {
  return {
    id,
    label,
    setting: `tokenBudget.sources.${id}.enabled`,
    needsKey: false,
    isEnabled: () => false,
    offHint: () => why,
    identity: () => `${id}:unreadable`,
    fetch: () => Promise.reject(new Error(`${label}: ${why}`)),
  };
}
