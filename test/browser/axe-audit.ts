// axe-core in a Playwright page: shared by the accessibility suite and the /trust stack suite.
import assert from 'node:assert/strict';
import axe from 'axe-core';
import type { Page } from 'playwright-core';

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

interface AxeWindow {
  axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
  document: unknown;
}

/** Runs axe in the page (injected through DevTools, which the page's CSP does not govern). */
export async function assertNoViolations(page: Page, what: string): Promise<void> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const { axe: engine, document } = globalThis as unknown as AxeWindow;
    const results = await engine.run(document, { resultTypes: ['violations'] });
    return results.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })),
    }));
  });
  assert.deepEqual(violations, [], `${what}: ${JSON.stringify(violations, null, 2)}`);
}
