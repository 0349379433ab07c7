/**
 * Repairs the nesting that HTML parsers forgive and the EPUB's XHTML does not. Markdown written
 * for GitHub is full of it: `<p align="center">` around a `<div>`, a link around a block, a
 * `<span>` holding paragraphs, a `<br>` between an image and its `<figcaption>`. A browser lays
 * these out as if the block had been written outside its inline parent; EPUBCheck rejects them.
 *
 * Runs on a balanced fragment (after wellFormed) and changes only what is invalid, the way a
 * browser would display it, so the page looks the same: a block inside phrasing content is moved
 * out of it, the inline elements around it split in two and repeated inside the block (so a
 * link stays a link); a `<figcaption>` that is not first or last in its figure moves to its end;
 * `<br>` next to a caption goes; list items with no list get one. Changes the author would see are
 * reported with the Markdown line of the block they are in.
 */
import { parseDocument, DomUtils } from 'htmlparser2';
import type { ChildNode, Element, ParentNode } from 'domhandler';

/** Elements whose content may only be phrasing content (inline elements, text). */
const PHRASING_ONLY = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'span', 'em', 'strong', 'b', 'i', 'u', 's', 'small', 'sub', 'sup',
  'code', 'kbd', 'samp', 'var', 'abbr', 'cite', 'dfn', 'q', 'mark', 'time', 'bdi', 'bdo', 'data', 'label', 'legend',
  'output', 'ruby', 'rt', 'rp',
]);
/** Elements whose content model is their parent's. */
const TRANSPARENT = new Set(['a', 'ins', 'del']);
/** Blocks: allowed only where flow content is. */
const FLOW_ONLY = new Set([
  'address', 'article', 'aside', 'blockquote', 'details', 'dialog', 'div', 'dl', 'fieldset', 'figcaption', 'figure',
  'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'main', 'menu', 'nav', 'ol', 'p',
  'pre', 'section', 'table', 'ul',
]);
/** Split without being repeated inside the block: a paragraph around a table is two paragraphs. */
const SPLIT_ONLY = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre']);
/** Foreign content (the builder's SVG and MathML) is never touched. */
const FOREIGN = new Set(['svg', 'math']);

export interface Repair {
  message: string;
  line: number | undefined;
}

export function repairNesting(html: string): { html: string; repairs: Repair[]; changed: boolean } {
  // Cheap test first: most fragments hold nothing a repair could apply to.
  if (!/<(?:figure|figcaption|li|div|p|h[1-6]|pre|table|ul|ol|dl|blockquote|section|aside|hr|details|address|article|header|footer|nav|main|form|fieldset|menu|hgroup|dialog)\b/.test(html)) {
    return { html, repairs: [], changed: false };
  }
  const doc = parseDocument(html, { decodeEntities: false, lowerCaseTags: false, lowerCaseAttributeNames: false, recognizeSelfClosing: true });
  const state = { changed: false, repairs: [] as Repair[] };
  fixBlocksInPhrasing(doc, false, state);
  fixFigures(doc, state);
  fixOrphanListItems(doc, state);
  if (!state.changed) return { html, repairs: [], changed: false };
  const out = DomUtils.getOuterHTML(doc.children, { decodeEntities: false, selfClosingTags: true });
  return { html: out, repairs: state.repairs, changed: true };
}

interface State {
  changed: boolean;
  repairs: Repair[];
}

const isTag = (n: ChildNode | null | undefined): n is Element => !!n && DomUtils.isTag(n);
const isBlank = (n: ChildNode): boolean => n.type === 'text' && !n.data.trim();
const significant = (el: ParentNode): ChildNode[] => el.children.filter((c) => !isBlank(c) && c.type !== 'comment');

/** The Markdown line of the block an element is in (data-line on it or an ancestor). */
function lineOf(node: ChildNode | ParentNode): number | undefined {
  for (let n: ParentNode | ChildNode | null = node; n; n = n.parent) {
    if (isTag(n as ChildNode) && (n as Element).attribs['data-line']) return Number((n as Element).attribs['data-line']);
  }
  return undefined;
}

function setChildren(parent: ParentNode, children: ChildNode[]): void {
  parent.children = children;
  children.forEach((c, i) => {
    c.parent = parent;
    c.prev = children[i - 1] ?? null;
    c.next = children[i + 1] ?? null;
  });
}

function replaceWith(node: ChildNode, replacements: ChildNode[]): void {
  const parent = node.parent!;
  const i = parent.children.indexOf(node);
  setChildren(parent, [...parent.children.slice(0, i), ...replacements, ...parent.children.slice(i + 1)]);
}

/** A copy of the element without its children; the id stays with the original only. */
function shell(el: Element): Element {
  const copy = el.cloneNode(false);
  delete copy.attribs.id;
  delete copy.attribs['data-line'];
  return copy;
}

/** Whether an element's content must be phrasing, given whether its parent's must be. */
const phrasingInside = (el: Element, parentPhrasing: boolean): boolean =>
  PHRASING_ONLY.has(el.name) || (TRANSPARENT.has(el.name) && parentPhrasing);

function fixBlocksInPhrasing(parent: ParentNode, phrasing: boolean, state: State): void {
  for (const child of [...parent.children]) {
    if (!isTag(child) || FOREIGN.has(child.name)) continue;
    const inside = phrasingInside(child, phrasing);
    fixBlocksInPhrasing(child, inside, state);
    if (inside && child.children.some((c) => isTag(c) && FLOW_ONLY.has(c.name))) split(child, state);
  }
}

/**
 * `<span>a<p>b</p>c</span>` → `<span>a</span><p><span>b</span></p><span>c</span>`: the element
 * is cut around each block child; the blocks move up beside it.
 */
function split(el: Element, state: State): void {
  const pieces: ChildNode[] = [];
  let run: ChildNode[] = [];
  let first = true;
  const flush = (): void => {
    if (run.some((c) => !isBlank(c))) {
      const part = first ? el.cloneNode(false) : shell(el);
      first = false;
      setChildren(part, run);
      pieces.push(part);
    } else pieces.push(...run);
    run = [];
  };
  for (const child of el.children) {
    if (isTag(child) && FLOW_ONLY.has(child.name)) {
      flush();
      if (!SPLIT_ONLY.has(el.name) && child.children.length > 0) {
        // The block keeps what the inline element gave it: a link, emphasis.
        const wrapper = shell(el);
        setChildren(wrapper, [...child.children]);
        setChildren(child, [wrapper]);
        fixBlocksInPhrasing(child, phrasingInside(child, false), state);
      }
      pieces.push(child);
    } else run.push(child);
  }
  flush();
  replaceWith(el, pieces);
  state.changed = true;
}

function fixFigures(root: ParentNode, state: State): void {
  for (const caption of DomUtils.findAll((e) => e.name === 'figcaption', root.children)) {
    if (!isTag(caption.parent as ChildNode) || (caption.parent as Element).name !== 'figure') {
      // A caption with no figure (its <figure> was never written): a caption-styled block.
      caption.name = 'div';
      caption.attribs.class = `${caption.attribs.class ?? ''} caption`.trim();
      state.changed = true;
    }
  }
  for (const figure of DomUtils.findAll((e) => e.name === 'figure', root.children)) {
    // <br> between an image and its caption (written for GitHub's renderer) is not allowed
    // after a caption, and means nothing before one: a caption is a block of its own.
    const kids = significant(figure);
    kids.forEach((kid, i) => {
      if (!isTag(kid) || kid.name !== 'br') return;
      const prev = kids[i - 1];
      const next = kids[i + 1];
      const nearCaption = (isTag(prev) && prev.name === 'figcaption') || (isTag(next) && next.name === 'figcaption');
      if (nearCaption || !prev || !next) {
        setChildren(figure, figure.children.filter((c) => c !== kid));
        state.changed = true;
      }
    });
    const rest = significant(figure);
    const captions = rest.filter((c): c is Element => isTag(c) && c.name === 'figcaption');
    if (captions.length === 0) continue;
    const last = rest[rest.length - 1];
    // The caption at the end wins, else the first one.
    const keep = captions.includes(last as Element) ? (last as Element) : captions[0]!;
    for (const extra of captions.filter((c) => c !== keep)) {
      extra.name = 'div';
      extra.attribs.class = `${extra.attribs.class ?? ''} caption`.trim();
      state.changed = true;
      state.repairs.push({ message: 'a figure has more than one <figcaption>; only one is its caption, the others are set as text', line: lineOf(figure) });
    }
    if (keep !== rest[0] && keep !== last) {
      setChildren(figure, [...figure.children.filter((c) => c !== keep), keep]);
      state.changed = true;
      state.repairs.push({ message: 'a <figcaption> must be first or last in its <figure>; it was moved to the end', line: lineOf(figure) });
    }
  }
}

/** <li> outside a list (a list written without <ul>): the items get one. */
function fixOrphanListItems(root: ParentNode, state: State): void {
  for (const item of DomUtils.findAll((e) => e.name === 'li', root.children)) {
    const parent = item.parent as Element | null;
    if (!parent || (isTag(parent as ChildNode) && ['ul', 'ol', 'menu'].includes(parent.name))) continue;
    if (!parent.children.includes(item)) continue; // already wrapped with a sibling
    const siblings = parent.children;
    let start = siblings.indexOf(item);
    let end = start;
    while (end + 1 < siblings.length && (isBlank(siblings[end + 1]!) || (isTag(siblings[end + 1]) && (siblings[end + 1] as Element).name === 'li'))) end++;
    while (start > 0 && isBlank(siblings[start - 1]!)) start--;
    const list = parseDocument('<ul></ul>').children[0] as Element;
    setChildren(list, siblings.slice(start, end + 1));
    setChildren(parent, [...siblings.slice(0, start), list, ...siblings.slice(end + 1)]);
    state.changed = true;
  }
}
