/**
 * Text is hyphenated at build time with a soft hyphen at every possible break (Chromium on Linux
 * has no hyphenation dictionaries), and Chromium writes every one of them into the PDF's text
 * layer: "Grad­u­ate" is found by no search, copied broken, read aloud in pieces. Once a part is
 * laid out, only the soft hyphens where a line really breaks are kept; the others are removed.
 * Line breaking is greedy, so a break point that was not used does not move any line when it goes
 * (the tests compare every line's last word with a build that keeps them all).
 */
import type { Page } from 'puppeteer-core';

/** Set to keep every soft hyphen: the tests' switch, to compare the two layouts. */
export const keepAllSoftHyphens = (): boolean => Boolean(process.env.EBOOK_KEEP_SOFT_HYPHENS);

export async function dropUnusedSoftHyphens(page: Page, width: number): Promise<{ kept: number; removed: number }> {
  return page.evaluate(dropInPage, width);
}

/**
 * Runs inside the page: no closure over anything outside this function. Chromium's print layout
 * and this screen layout of the same text block differ by a fraction of a pixel (a line that just
 * fits in print may not fit here), so the breaks are measured at the text block's width and one
 * pixel wider, and a soft hyphen used in either is kept.
 */
function dropInPage(width: number): { kept: number; removed: number } {
  const SHY = '\u00ad';
  const nodes: Text[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode as Text;
    if (node.data.includes(SHY)) nodes.push(node);
  }
  // Measure everything first, change nothing until then: one layout for all the reads.
  const range = document.createRange();
  const rectOf = (node: Text, start: number): DOMRect => {
    range.setStart(node, start);
    range.setEnd(node, start + 1);
    return range.getBoundingClientRect();
  };
  const measure = (): boolean[][] =>
    nodes.map((node) => {
      const text = node.data;
      const decisions: boolean[] = [];
      for (let i = text.indexOf(SHY); i >= 0; i = text.indexOf(SHY, i + 1)) {
        // A soft hyphen the line broke at is drawn, as a hyphen: it has a width. An unused one
        // has none. (The neighbours' boxes are no guide: a range across a break spans the line.)
        decisions.push(rectOf(node, i).width > 0);
      }
      return decisions;
    });
  const atWidth = measure();
  const root = document.documentElement;
  const before = root.style.getPropertyValue('width');
  root.style.setProperty('width', `${width + 1}px`, 'important');
  const wider = measure();
  if (before) root.style.setProperty('width', before);
  else root.style.removeProperty('width');
  const used = atWidth.map((decisions, n) => decisions.map((d, k) => d || wider[n]![k]!));
  let kept = 0;
  let removed = 0;
  nodes.forEach((node, n) => {
    const decisions = used[n]!;
    let k = 0;
    let out = '';
    for (const ch of node.data) {
      if (ch !== SHY) out += ch;
      else if (decisions[k++]) {
        out += ch;
        kept++;
      } else removed++;
    }
    if (out !== node.data) node.data = out;
  });
  return { kept, removed };
}
