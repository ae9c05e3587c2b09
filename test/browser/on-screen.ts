import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

interface HitTestedElement {
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  contains(other: unknown): boolean;
  ownerDocument: { elementFromPoint(x: number, y: number): unknown };
}

/**
 * The element is inside the viewport as it is (nothing scrolled) and nothing covers its centre:
 * the user sees it and can click it without scrolling.
 */
export async function assertOnScreen(page: Page, locator: Locator, what: string): Promise<void> {
  const viewport = page.viewportSize();
  assert.ok(viewport, 'the page has no fixed viewport');
  const box = await locator.boundingBox();
  assert.ok(box, `${what} is not rendered`);
  const inside =
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.width <= viewport.width + 0.5 &&
    box.y + box.height <= viewport.height + 0.5;
  assert.ok(
    inside,
    `${what} at ${JSON.stringify(box)} is outside the ${viewport.width}×${viewport.height} viewport`,
  );
  const uncovered = await locator.evaluate((element: HitTestedElement) => {
    const rect = element.getBoundingClientRect();
    const hit = element.ownerDocument.elementFromPoint(
      rect.x + rect.width / 2,
      rect.y + rect.height / 2,
    );
    return hit !== null && (hit === element || element.contains(hit));
  });
  assert.ok(uncovered, `${what} is covered by another element`);
}

/** How far the page is scrolled: 0 when nothing had to be scrolled to reach anything. */
export function scrollTop(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { document: { scrollingElement: { scrollTop: number } } }).document
        .scrollingElement.scrollTop,
  );
}
