/**
 * Waits for a page's web fonts without `document.fonts.ready`. That promise settles in the page's
 * rendering steps, which a tab behind another may never get: puppeteer's page.pdf() waits on it
 * (puppeteer #12598), and in the preview, whose layout tabs stay open beside the covers' tab, a
 * print then hung for good. Laying the page out starts the loads of the faces its text uses; each
 * face's own `loaded` promise settles when its file is in, frames or not. A face that loads may
 * bring in text set in another (a fallback): a few rounds.
 */
import type { Page } from 'puppeteer-core';

/** An async function, as source text for page.evaluate() and for the builder's other page scripts. */
export const WAIT_FOR_FONTS = `async () => {
  for (let round = 0; round < 4; round++) {
    void document.documentElement.offsetHeight;
    const loading = [...document.fonts].filter((face) => face.status === 'loading');
    if (loading.length === 0) return;
    await Promise.all(loading.map((face) => face.loaded.catch(() => undefined)));
  }
}`;

export async function waitForFonts(page: Page): Promise<void> {
  await page.evaluate(`(${WAIT_FOR_FONTS})()`);
}
