/**
 * The dashboard's accessibility audit: axe-core (WCAG 2.0–2.2 A/AA and best practices) on a frame,
 * failing on any violation of impact moderate or above (the minor ones are printed). Run on the
 * dashboard page in every theme (test/page/dashboard.test.ts) and in the real workbench's default
 * theme (test/e2e/meter.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Frame } from 'playwright-core';

export interface AxeNode {
  target: string[];
  html: string;
  failureSummary?: string;
}
export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: AxeNode[];
}
export interface AxeSummary {
  violations: AxeViolation[];
  passes: number;
  incomplete: number;
  inapplicable: number;
}

let axeSource: string | undefined;

/**
 * Runs axe-core (WCAG 2.0–2.2 A/AA and best practices) on the document of a frame. The source
 * is evaluated through the DevTools protocol, so the webview's Content-Security-Policy (no
 * inline scripts) does not stop it.
 */
export async function runAxe(frame: Frame): Promise<AxeSummary> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await frame.evaluate(() => 'axe' in window))) await frame.evaluate(axeSource);
  return frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[]; passes: unknown[]; incomplete: unknown[]; inapplicable: unknown[] }> } }).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return {
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 160), failureSummary: n.failureSummary })) })),
      passes: r.passes.length,
      incomplete: r.incomplete.length,
      inapplicable: r.inapplicable.length,
    };
  });
}

const IMPACTS = ['minor', 'moderate', 'serious', 'critical'] as const;

/** Violation counts by impact (nodes, not rules), e.g. { critical: 0, serious: 2, … }. */
export function countByImpact(s: AxeSummary): Record<(typeof IMPACTS)[number], number> {
  const out = { minor: 0, moderate: 0, serious: 0, critical: 0 };
  for (const v of s.violations) if (v.impact) out[v.impact] += v.nodes.length;
  return out;
}

/** The violations of impact moderate or above, one line per node. */
export function blocking(s: AxeSummary): string[] {
  return s.violations
    .filter((v) => v.impact && IMPACTS.indexOf(v.impact) >= 1)
    .flatMap((v) => v.nodes.map((n) => `[${v.impact}] ${v.id}: ${v.help} — ${n.target.join(' ')} ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`));
}

/** Every violation, one line per node (for the log). */
export function describeViolations(s: AxeSummary): string[] {
  return s.violations.flatMap((v) => v.nodes.map((n) => `[${v.impact ?? '?'}] ${v.id}: ${n.target.join(' ')} — ${n.html}`));
}

/** Runs the audit on `frame`, prints what it found under `label`, and fails on a blocking violation. */
export async function assertAccessible(frame: Frame, label: string): Promise<void> {
  const result = await runAxe(frame);
  const counts = countByImpact(result);
  console.log(
    `[axe] ${label}: ${result.violations.length} rule(s) violated — critical ${counts.critical}, serious ${counts.serious}, moderate ${counts.moderate}, minor ${counts.minor} (nodes); ${result.passes} rules passed, ${result.incomplete} need review`,
  );
  for (const line of describeViolations(result)) console.log(`[axe]   ${line}`);
  assert.deepEqual(blocking(result), [], `axe violations in ${label}`);
}
