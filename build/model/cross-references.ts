/**
 * The model's side of numbering and cross-references: chapter numbers and appendix letters in
 * book order, the numbered targets (numbering.ts), the check of every `[@fig:…]` reference, and
 * the functions the renderer calls to print a reference or a caption's number.
 */
import { BookError } from '../errors.ts';
import type { ResolvedConfig } from '../config/load-config.ts';
import type { ParsedSection } from '../markdown/parse.ts';
import { labelKind, type LabelInfo, type LabelsEnv } from '../markdown/labels-plugin.ts';
import { quotesFor } from '../markdown/markdown-it.ts';
import { referenceHtml } from '../markdown/references.ts';
import { divisionOf } from '../sources/front-matter.ts';
import { chapterLabel, labelsFor } from '../render/labels.ts';
import { numberTargets, referencePieces, type NumberedTarget, type NumberingOptions } from './numbering.ts';
import { referenceWordsFor, type ReferenceWords } from './reference-words.ts';

export interface SectionNumbers {
  number: number | undefined;
  letter: string | undefined;
  /** "Chapter 3", "Appendix A". */
  numberLabel: string | undefined;
}

export interface CrossReferences {
  /** Per parsed file, in file order. */
  numbers: SectionNumbers[];
  targets: Map<string, NumberedTarget>;
  words: ReferenceWords;
  pageFormat: string;
  options: NumberingOptions;
  errors: BookError[];
}

/** A-Z, then AA, AB… */
const letterOf = (n: number): string => (n < 26 ? String.fromCharCode(65 + n) : letterOf(Math.floor(n / 26) - 1) + letterOf(n % 26));

export function planCrossReferences(config: ResolvedConfig, parsed: ParsedSection[], sectionIds: string[]): CrossReferences {
  const words = referenceWordsFor(config.language, config.labels);
  const labels = labelsFor(config.language);
  const quotes = quotesFor(config.language);
  const options: NumberingOptions = {
    by: config.numbering.by,
    enabled: config.numbering.enabled,
    words,
    quotes: [quotes[0]!, quotes[1]!] as [string, string],
  };
  let chapter = 0;
  let appendix = 0;
  const numbers = parsed.map((p): SectionNumbers => {
    const kind = p.source.frontMatter.kind;
    const numbered = p.source.frontMatter.numbered ?? kind === 'chapter';
    if (kind === 'appendix' && p.source.frontMatter.numbered !== false) {
      const letter = letterOf(appendix++);
      return { number: undefined, letter, numberLabel: `${words.appendix}${words.noSpace ? '' : ' '}${letter}` };
    }
    const number = numbered ? ++chapter : undefined;
    return { number, letter: undefined, numberLabel: number === undefined ? undefined : chapterLabel(labels, number) };
  });
  const rank = { front: 0, body: 1, back: 2 } as const;
  const order = parsed.map((p, i) => i).sort((a, b) => rank[divisionOf(parsed[a]!.source.frontMatter.kind)] - rank[divisionOf(parsed[b]!.source.frontMatter.kind)] || a - b);
  const { targets, errors } = numberTargets(
    order.map((i) => {
      const p = parsed[i]!;
      const { number, letter, numberLabel } = numbers[i]!;
      const own = (p.env as LabelsEnv).labels ?? [];
      return {
        id: sectionIds[i]!,
        kind: p.source.frontMatter.kind,
        title: p.title ?? '',
        number,
        letter,
        numberLabel,
        file: p.source.relPath,
        labels: own,
      };
    }),
    options,
  );
  // A reference to a section's title points at the section itself.
  for (const t of targets.values()) if (t.kind === 'sec' && isTitleLabel(parsed, sectionIds, t)) t.id = t.sectionId;
  for (const [i, p] of parsed.entries()) {
    for (const ref of p.crossrefs) {
      for (const label of ref.labels) {
        if (!targets.has(xmlIdOfLabel(label))) {
          const known = [...targets.values()].filter((t) => t.kind === labelKind(label)).map((t) => t.label);
          errors.push(
            new BookError(`reference [@${label}] names no label${known.length ? ` (labels of that kind: ${known.slice(0, 8).join(', ')}${known.length > 8 ? '…' : ''})` : `; label the target with {#${label}}`}`, {
              file: p.source.relPath,
              line: ref.line,
            }),
          );
        }
      }
    }
    void i;
  }
  const pageFormat = config.references.pageFormat ?? words.pageFormat;
  return { numbers, targets, words, pageFormat, options, errors };
}

const xmlIdOfLabel = (label: string): string => label.replace(/:/g, '-');

function isTitleLabel(parsed: ParsedSection[], sectionIds: string[], target: NumberedTarget): boolean {
  const i = sectionIds.indexOf(target.sectionId);
  const info: LabelInfo | undefined = ((parsed[i]?.env as LabelsEnv | undefined)?.labels ?? []).find((l) => l.id === xmlIdOfLabel(target.label));
  return info?.level === 1;
}

/** What the renderer needs to print references and caption numbers in one section. */
export function referenceRenderer(
  refs: CrossReferences,
  escape: (s: string) => string,
  pageMark: (() => string) | undefined,
): { reference(labels: string[]): string; captionLabel(id: string): string | undefined; captionSeparator: string } {
  return {
    captionSeparator: refs.words.captionSeparator,
    reference(labels) {
      const targets = labels.map((l) => refs.targets.get(xmlIdOfLabel(l))!);
      return referenceHtml(referencePieces(targets, refs.options), { escape, pageMark });
    },
    captionLabel(id) {
      return refs.targets.get(id)?.captionLabel;
    },
  };
}
