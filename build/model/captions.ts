/**
 * The caption text of each labelled figure, table and listing, read from the section's rendered
 * HTML (the builder's own markup: the element with the id holds a <figcaption> or <caption>), so
 * the lists of figures and tables say what every plugin printed, without each plugin telling.
 */
import { parseDocument, DomUtils } from 'htmlparser2';
import type { Element } from 'domhandler';

export function captionsOf(html: string, ids: ReadonlySet<string>): Map<string, string> {
  const found = new Map<string, string>();
  if (ids.size === 0) return found;
  const doc = parseDocument(html);
  const elements = DomUtils.findAll((el) => ids.has(el.attribs.id ?? ''), doc.children);
  for (const el of elements) {
    const caption = DomUtils.findOne((c) => c.name === 'figcaption' || c.name === 'caption', el.children, true) as Element | null;
    if (!caption) continue;
    // The number printed before the caption ("Figure 3.2.") is the list's own column.
    const text = caption.children
      .filter((c) => !(c.type === 'tag' && (c as Element).attribs.class === 'caption-label'))
      .map((c) => DomUtils.textContent(c))
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
    found.set(el.attribs.id!, text);
  }
  return found;
}
