/**
 * The back-of-book index, from the index marks of every section: terms sorted for the book's
 * language (Intl.Collator), grouped by initial letter, with sub-entries, and book.yaml's `see`
 * and `see also` cross-references. Where each mark falls (a page in print, a link in the EPUB)
 * is the renderers' business; the model keeps the marks' ids in book order.
 */
import type { IndexMark } from '../markdown/index-plugin.ts';
import { indexMarkId } from '../markdown/index-plugin.ts';

export interface IndexLocator {
  /** Id of the mark in the HTML. */
  id: string;
  sectionId: string;
  inNote: boolean;
}

export interface IndexEntry {
  term: string;
  locators: IndexLocator[];
  see: string | undefined;
  seeAlso: string[];
  children: IndexEntry[];
}

export interface IndexGroup {
  /** "A", "É" folded to "E", a digit or symbol group as "#". */
  letter: string;
  entries: IndexEntry[];
}

export interface BookIndex {
  groups: IndexGroup[];
  /** Every mark, in book order. */
  marks: IndexLocator[];
}

export interface IndexSettings {
  see: Record<string, string>;
  seeAlso: Record<string, string[]>;
}

/** The id prefix of a section's marks: "ix-<section>" (marks are then "ix-<section>-1", …). */
export const indexIdPrefix = (sectionId: string): string => `ix-${sectionId}`;

export function buildIndex(sections: { id: string; marks: IndexMark[] }[], settings: IndexSettings, language: string): BookIndex {
  const collator = new Intl.Collator(language, { sensitivity: 'base', numeric: true });
  const roots = new Map<string, IndexEntry>();
  const marks: IndexLocator[] = [];
  const entry = (siblings: Map<string, IndexEntry>, term: string): IndexEntry => {
    // Terms differing only in case or accents are one entry ("Tensor" and "tensor").
    const key = [...siblings.keys()].find((k) => collator.compare(k, term) === 0) ?? term;
    let found = siblings.get(key);
    if (!found) {
      found = { term, locators: [], see: undefined, seeAlso: [], children: [] };
      siblings.set(key, found);
    }
    return found;
  };
  const childMaps = new WeakMap<IndexEntry, Map<string, IndexEntry>>();
  const childrenOf = (e: IndexEntry): Map<string, IndexEntry> => {
    let map = childMaps.get(e);
    if (!map) childMaps.set(e, (map = new Map()));
    return map;
  };

  for (const section of sections) {
    section.marks.forEach((mark, k) => {
      const locator = { id: indexMarkId(indexIdPrefix(section.id), k + 1), sectionId: section.id, inNote: mark.inNote };
      marks.push(locator);
      let e = entry(roots, mark.terms[0]!);
      for (const sub of mark.terms.slice(1)) e = entry(childrenOf(e), sub);
      e.locators.push(locator);
    });
  }
  for (const [term, target] of Object.entries(settings.see)) entry(roots, term).see = target;
  for (const [term, targets] of Object.entries(settings.seeAlso)) entry(roots, term).seeAlso.push(...targets);

  const sorted = (map: Map<string, IndexEntry>): IndexEntry[] =>
    [...map.values()]
      .sort((a, b) => collator.compare(a.term, b.term))
      .map((e) => ({ ...e, children: sorted(childrenOf(e)) }));
  const groups: IndexGroup[] = [];
  for (const e of sorted(roots)) {
    const letter = initialOf(e.term);
    const last = groups[groups.length - 1];
    if (last && collator.compare(last.letter, letter) === 0) last.entries.push(e);
    else groups.push({ letter, entries: [e] });
  }
  return { groups, marks };
}

/** The letter an entry files under: its first letter without accents, upper case; "#" for the rest. */
function initialOf(term: string): string {
  const first = [...term.replace(/^["'“‘«(\s]+/, '')][0] ?? '#';
  if (!/\p{L}/u.test(first)) return '#';
  return first.normalize('NFD').replace(/\p{M}/gu, '').toLocaleUpperCase();
}

/** An index entry for outputs without pages (EPUB, web): each mark a link, numbered in order. */
export interface LinkedIndexEntry {
  term: string;
  locators: { n: number; href: string }[];
  see: string | undefined;
  seeAlso: string[];
  children: LinkedIndexEntry[];
}

export function linkedIndex(groups: IndexGroup[], href: (id: string) => string): { letter: string; entries: LinkedIndexEntry[] }[] {
  const entry = (e: IndexEntry): LinkedIndexEntry => ({
    term: e.term,
    locators: e.locators.map((l, k) => ({ n: k + 1, href: href(l.id) })),
    see: e.see,
    seeAlso: e.seeAlso,
    children: e.children.map(entry),
  });
  return groups.map((g) => ({ letter: g.letter, entries: g.entries.map(entry) }));
}
