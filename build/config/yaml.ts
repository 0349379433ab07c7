/**
 * YAML for book.yaml and front matter, with errors at the line the author must look at: the yaml
 * package's positions, counted from the top of the file (a front matter starts on line 2, after
 * its "---"). An unclosed bracket or quotation mark is reported where it opens, not where the
 * parser ran out of text; a key given twice names the key and both lines.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Node, type YAMLError } from 'yaml';
import { BookError, throwIfAny } from '../errors.ts';

export interface ParsedYaml {
  doc: ReturnType<typeof parseDocument>;
  /** Lines counted in the YAML text (the file's own for book.yaml). */
  lines: LineCounter;
  /** Line and column in the file of an offset into the YAML text. */
  place(offset: number): { line: number; column: number };
}

export interface YamlWhere {
  /** The file, as messages name it. */
  file: string;
  /** The file's line of the YAML text's first line: 1 for book.yaml, 2 for front matter. */
  firstLine: number;
  /** Starts every message: "not valid YAML", "front matter is not valid YAML". */
  prefix: string;
}

/** Parses YAML text; every syntax error and every key given twice is a BookError at its line. */
export function parseYaml(text: string, where: YamlWhere): ParsedYaml {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const place = (offset: number): { line: number; column: number } => {
    const pos = counter.linePos(offset);
    return { line: pos.line + where.firstLine - 1, column: pos.col };
  };
  // The first syntax error only: the ones after it mostly follow from it. Keys given twice are
  // found separately, with both lines.
  const first = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  const errors = first ? [syntaxError(first, doc, text, place, where)] : [];
  errors.push(...duplicateKeys(doc, place, where));
  throwIfAny(errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return { doc, lines: counter, place };
}

function syntaxError(error: YAMLError, doc: ParsedYaml['doc'], text: string, place: ParsedYaml['place'], where: YamlWhere): BookError {
  const offset = error.pos[0];
  const open = unclosedAt(doc.contents, offset, text, []);
  if (open) {
    const at = place(open.node.range![0]);
    const field = open.path.length > 0 ? `${open.path.join('.')}: ` : '';
    const what =
      open.opener === '[' || open.opener === '{'
        ? `the ${open.opener === '[' ? 'list' : 'mapping'} opened with ${open.opener} is never closed: end it with ${open.opener === '[' ? ']' : '}'}, or put the whole value in quotation marks if the ${open.opener} is part of the text`
        : `the quotation mark ${open.opener} that opens the value is never closed: end the value with ${open.opener}`;
    return new BookError(`${where.prefix}: ${field}${what}`, { file: where.file, line: at.line, column: at.column });
  }
  const at = place(offset);
  // The yaml package appends "at line N, column M:", counted in its own text: drop it.
  const reason = error.message.split('\n')[0]!.replace(/\s+at line \d+, column \d+:?\s*$/, '');
  return new BookError(`${where.prefix}: ${reason}`, { file: where.file, line: at.line, column: at.column });
}

interface Unclosed {
  node: Node;
  path: string[];
  opener: string;
}

/**
 * The innermost flow collection ([…], {…}) or quoted scalar that holds the error's offset and is
 * not closed in the text: the parser reports those where the text ends, far below where they open.
 */
function unclosedAt(node: unknown, offset: number, text: string, path: string[]): Unclosed | undefined {
  if (!node || typeof node !== 'object' || !('range' in node)) return undefined;
  const n = node as Node;
  const range = n.range;
  if (!range || offset < range[0] || offset > range[2]) return undefined;
  if (isMap(n) || isSeq(n)) {
    for (const [i, item] of n.items.entries()) {
      if (isPair(item)) {
        const key = isScalar(item.key) ? String(item.key.value) : '?';
        const found = unclosedAt(item.value, offset, text, [...path, key]);
        if (found) return found;
      } else {
        const found = unclosedAt(item, offset, text, [...path, String(i)]);
        if (found) return found;
      }
    }
    if (n.flow) {
      const opener = text[range[0]];
      const closer = opener === '[' ? ']' : '}';
      if ((opener === '[' || opener === '{') && !text.slice(range[0], range[1]).trimEnd().endsWith(closer)) return { node: n, path, opener };
    }
    return undefined;
  }
  if (isScalar(n) && (n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE)) {
    const quote = n.type === Scalar.QUOTE_DOUBLE ? '"' : "'";
    const source = text.slice(range[0], range[1]).trimEnd();
    if (source.length < 2 || !source.endsWith(quote)) return { node: n, path, opener: quote };
  }
  return undefined;
}

/** "title is given twice, lines 1 and 6": each key repeated in a mapping, at its second line. */
function duplicateKeys(doc: ParsedYaml['doc'], place: ParsedYaml['place'], where: YamlWhere): BookError[] {
  const errors: BookError[] = [];
  const walk = (node: unknown, path: string[]): void => {
    if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, String(i)]));
    if (!isMap(node)) return;
    const seen = new Map<string, { line: number; column: number }[]>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined && pair.key && isScalar(pair.key) && pair.key.range) {
        const list = seen.get(key) ?? [];
        list.push(place(pair.key.range[0]));
        seen.set(key, list);
      }
      walk(pair.value, key === undefined ? path : [...path, key]);
    }
    for (const [key, places] of seen) {
      if (places.length < 2) continue;
      const lines = places.map((p) => p.line);
      const times = places.length === 2 ? 'twice' : `${places.length} times`;
      const list = `${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}`;
      const field = [...path, key].join('.');
      const second = places[1]!;
      errors.push(new BookError(`${field} is given ${times}, lines ${list}; keep one`, { file: where.file, line: second.line, column: second.column }));
    }
  };
  walk(doc.contents, []);
  return errors;
}
