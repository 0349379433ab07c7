/** Reads book.yaml and turns it into a validated BookConfig, or errors that name file, line and field. */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isNode, isScalar } from 'yaml';
import type { z } from 'zod';
import slugify from '@sindresorhus/slugify';
import { BookError, throwIfAny } from '../errors.ts';
import { bookConfigSchema, type BookConfig } from './schema.ts';
import { parseYaml } from './yaml.ts';
import { requireBookFile } from '../sources/safe-path.ts';
import { didYouMean } from '../messages/suggest.ts';
import { knownKeys } from './known-keys.ts';

export interface ResolvedConfig extends BookConfig {
  identifier: string;
  slug: string;
}

export async function loadConfig(file: string, displayName = 'book.yaml'): Promise<ResolvedConfig> {
  // A plain file inside the book folder (a link to one inside is fine), never a folder or a FIFO.
  const real = requireBookFile(file, {
    roots: [path.dirname(file)],
    name: displayName,
    where: { file: displayName },
    missing: `no book.yaml found (looked for ${file}); a book folder needs one`,
  });
  let text: string;
  try {
    text = await readFile(real, 'utf8');
  } catch (e) {
    throw new BookError(`${displayName} cannot be read: ${(e as Error).message}`, { file: displayName });
  }
  const { doc, lines } = parseYaml(text, { file: displayName, firstLine: 1, prefix: 'not valid YAML' });
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw new BookError('book.yaml is empty; it needs at least a title and authors', { file: displayName, line: 1 });
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new BookError('book.yaml must be a mapping of fields (title: …, authors: …)', { file: displayName, line: 1 });
  }
  const parsed = bookConfigSchema.safeParse(data);
  if (!parsed.success) {
    throwIfAny(parsed.error.issues.flatMap((issue) => issueToErrors(issue, doc, lines, displayName)));
    throw new Error('unreachable');
  }
  const config = parsed.data;
  return {
    ...config,
    identifier: config.identifier ?? derivedIdentifier(config),
    slug: config.slug ?? (slugify(config.title) || 'book'),
  };
}

/** A UUID (version 5 style, from SHA-1) that stays the same while title and authors do. */
function derivedIdentifier(config: BookConfig): string {
  const names = config.authors.map((a) => (typeof a === 'string' ? a : a.name)).join('|');
  const hex = createHash('sha1').update(`${config.title}|${names}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** One error per problem: an object with two unknown fields gives two, each at its own line. */
function issueToErrors(
  issue: z.core.$ZodIssue,
  doc: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  file: string,
): BookError[] {
  const path = issue.path.map(String);
  const field = path.join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(bookConfigSchema, path);
    const container = path.length === 0 ? doc.contents : doc.getIn(path, true);
    return issue.keys.map((key) => {
      // The key itself, so that the caret stands under the misspelt word.
      const pair = isMap(container) ? container.items.find((p) => isScalar(p.key) && String(p.key.value) === key) : undefined;
      const at = isNode(pair?.key) && pair.key.range ? lines.linePos(pair.key.range[0]) : undefined;
      const where = path.length > 0 ? ` in ${field}` : '';
      const guess = didYouMean(key, known);
      const message = guess ? `unknown field ${key}${where}; ${guess}` : `unknown field ${key}${where}; see the README for the fields book.yaml accepts`;
      const hint = guess ? undefined : `${path.length > 0 ? field : 'book.yaml'} accepts: ${known.join(', ')}`;
      return new BookError(message, { file, line: at?.line ?? placeOf(path, doc, lines)?.line, column: at?.col, hint });
    });
  }
  return [issueToError(issue, doc, lines, file)];
}

/** Where the deepest YAML node that exists on the path starts. */
function placeOf(path: string[], doc: ReturnType<typeof parseDocument>, lines: LineCounter): { line: number; col: number } | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]);
  }
  return undefined;
}

function issueToError(
  issue: z.core.$ZodIssue,
  doc: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  file: string,
): BookError {
  const path = issue.path.map(String);
  const field = path.join('.') || '(top level)';
  const place = placeOf(path, doc, lines);
  let message: string;
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && path.length > 0 && doc.getIn(path) === undefined) {
    message = issue.code === 'invalid_type' ? `${field} is required (expected ${issue.expected})` : `${field} is required`;
  } else {
    message = `${field}: ${issue.message}`;
    // A misspelt choice ("service: kpd"): name the nearest one.
    const given = doc.getIn(path);
    if (issue.code === 'invalid_value' && typeof given === 'string') {
      const guess = didYouMean(given, issue.values.map(String));
      if (guess) message += `; ${guess}`;
    }
  }
  // A field that is missing has no line to show.
  const missing = message.startsWith(`${field} is required`);
  return new BookError(message, { file, line: missing ? undefined : place?.line, column: missing ? undefined : place?.col });
}
