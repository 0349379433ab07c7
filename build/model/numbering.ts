/**
 * Numbers the labelled figures, tables, listings and equations of the book, a pass over the
 * parsed sections before anything is rendered (mdBook's preprocessor place): per chapter
 * ("Figure 3.2"), lettered in appendices ("Figure A.1"), on their own in other front and back
 * matter ("Figure 1"), or straight through the book with `numbering.by: book`. References to
 * sections print "Chapter 3", "Appendix A", or the section's title in quotes.
 */
import type { LabelInfo, LabelKind } from '../markdown/labels-plugin.ts';
import { BookError } from '../errors.ts';
import type { ReferenceWords } from './reference-words.ts';

export interface NumberingSection {
  id: string;
  kind: string;
  title: string;
  /** Chapter number, for numbered sections. */
  number: number | undefined;
  /** Appendix letter, for appendices. */
  letter: string | undefined;
  /** "Chapter 3" / "第3章", for references to the section. */
  numberLabel: string | undefined;
  file: string;
  labels: LabelInfo[];
}

export interface NumberedTarget {
  /** The id in the HTML ("fig-flow"). */
  id: string;
  label: string;
  kind: LabelKind;
  sectionId: string;
  /** "3.2", "A.1", "4"; undefined for sections without a number. */
  number: string | undefined;
  /** What a reference prints for it alone: "Figure 3.2", "equation (3.4)", "Chapter 3", "“Title”". */
  name: string;
  /** What its caption starts with: "Figure 3.2", "(3.4)" for an equation; undefined for sections. */
  captionLabel: string | undefined;
  file: string;
  line: number;
  /** The caption's text, for the lists of figures and tables (filled in once rendered). */
  caption?: string;
}

export interface NumberingOptions {
  by: 'chapter' | 'book';
  enabled: boolean;
  words: ReferenceWords;
  /** Opening and closing quotation marks of the book's language. */
  quotes: [string, string];
}

const NUMBERED: LabelKind[] = ['fig', 'tbl', 'lst', 'eq'];

export function numberTargets(sections: NumberingSection[], options: NumberingOptions): { targets: Map<string, NumberedTarget>; errors: BookError[] } {
  const targets = new Map<string, NumberedTarget>();
  const errors: BookError[] = [];
  const bookCounters = new Map<LabelKind, number>();
  const word = (kind: LabelKind): string => ({ fig: options.words.figure, tbl: options.words.table, lst: options.words.listing, eq: options.words.equation, sec: options.words.section })[kind];
  // A no-break space: "Figure" and its number never part at a line end.
  const join = (a: string, b: string): string => (options.words.noSpace ? `${a}${b}` : `${a}\u00a0${b}`);

  for (const section of sections) {
    const counters = new Map<LabelKind, number>();
    const prefix = section.number !== undefined ? `${section.number}.` : section.letter !== undefined ? `${section.letter}.` : '';
    for (const label of section.labels) {
      const previous = targets.get(label.id);
      if (previous) {
        errors.push(new BookError(`label ${label.label} is used twice: here and at ${previous.file}:${previous.line}`, { file: section.file, line: label.line }));
        continue;
      }
      let number: string | undefined;
      let name: string;
      let captionLabel: string | undefined;
      if (NUMBERED.includes(label.kind)) {
        const counterMap = options.by === 'book' ? bookCounters : counters;
        const n = (counterMap.get(label.kind) ?? 0) + 1;
        counterMap.set(label.kind, n);
        number = options.by === 'book' ? String(n) : `${prefix}${n}`;
        if (!options.enabled) number = undefined;
        if (label.kind === 'eq') {
          captionLabel = number === undefined ? undefined : `(${number})`;
          name = number === undefined ? word('eq') : join(word('eq'), `(${number})`);
        } else {
          captionLabel = number === undefined ? undefined : join(word(label.kind), number);
          name = captionLabel ?? word(label.kind);
        }
      } else {
        // A section: the chapter or appendix by its number, anything else by its title.
        const isTitle = label.level === 1 || label.level === undefined;
        name = isTitle && section.numberLabel ? section.numberLabel : `${options.quotes[0]}${label.title ?? section.title}${options.quotes[1]}`;
        number = isTitle ? (section.number !== undefined ? String(section.number) : section.letter) : undefined;
      }
      targets.set(label.id, { id: label.id, label: label.label, kind: label.kind, sectionId: section.id, number, name, captionLabel, file: section.file, line: label.line });
    }
  }
  return { targets, errors };
}

/**
 * The words of a reference to several targets: "Figures 3.2 and 3.3", "Figure 3.2 and Table 3.1",
 * "equations (3.1), (3.2) and (3.3)". Returns the pieces so each number can be its own link.
 */
export function referencePieces(targets: NumberedTarget[], options: NumberingOptions): { text: string; target?: NumberedTarget }[] {
  const pieces: { text: string; target?: NumberedTarget }[] = [];
  const { words } = options;
  const plural: Record<LabelKind, string> = { fig: words.figures, tbl: words.tables, lst: words.listings, eq: words.equations, sec: words.sections };
  // Consecutive targets of one numbered kind share their word: "Figures 3.2 and 3.3".
  const groups: NumberedTarget[][] = [];
  for (const t of targets) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.kind === t.kind && t.kind !== 'sec' && t.number !== undefined && last[0]!.number !== undefined) last.push(t);
    else groups.push([t]);
  }
  const sep = (i: number, n: number): string => (i === 0 ? '' : i === n - 1 ? ` ${words.and} ` : ', ');
  groups.forEach((group, g) => {
    pieces.push({ text: sep(g, groups.length) });
    if (group.length === 1) {
      pieces.push({ text: group[0]!.name, target: group[0] });
      return;
    }
    const kind = group[0]!.kind;
    pieces.push({ text: `${plural[kind]}${words.noSpace ? '' : '\u00a0'}` });
    group.forEach((t, i) => {
      pieces.push({ text: sep(i, group.length) });
      pieces.push({ text: kind === 'eq' ? `(${t.number})` : t.number!, target: t });
    });
  });
  return pieces.filter((p) => p.text !== '');
}
