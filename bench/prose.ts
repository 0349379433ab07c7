/**
 * Deterministic English-like prose for synthetic books: real words (so that hyphenation and
 * justification work as they do on a real book), sentences and paragraphs of varied length.
 */
import type { Random } from './prng.ts';

const SHORT = (
  'the a of and to in that it was for on as with his her they at by this from had not but ' +
  'what all were when we there can an your which their said if do will each about how up out ' +
  'them then she many some so these would other into has more two like him see time could no ' +
  'make than first been its who now people my made over did down only way find use may water ' +
  'long little very after words called just where most know'
).split(' ');

const LONG = (
  'afternoon harbour lighthouse telegraph machinery correspondence archive university laboratory ' +
  'experiment engineering mathematics improvisation understanding neighbourhood conversation ' +
  'manuscript publisher typesetting bookbinding compositor illustration photograph expedition ' +
  'instrument observation measurement calculation approximation representation responsibility ' +
  'independence international collaboration uncertainty perseverance disappointment recognition ' +
  'encouragement determination infrastructure administration documentation characteristic ' +
  'extraordinary unremarkable circumstances neighbouring overwhelming nevertheless considerable ' +
  'particularly surprisingly occasionally deliberately immediately eventually afterwards ' +
  'programme semiconductor electricity railway station merchant captain winter summer evening ' +
  'morning village river mountain valley garden kitchen letter journal notebook window doorway ' +
  'staircase workshop student teacher engineer printer reader writer traveller stranger family ' +
  'friend brother sister mother father colleague neighbour committee council government company'
).split(' ');

const VERBS = (
  'wrote remembered described carried noticed explained followed returned considered answered ' +
  'discovered measured repaired printed published borrowed watched opened closed gathered ' +
  'travelled waited listened argued promised refused accepted recorded copied translated'
).split(' ');

const NAMES = (
  'Ada Bertrand Clara Dmitri Elena Farid Greta Hiroshi Ines Jonas Kavya Lorenzo Mirela Nadia ' +
  'Oskar Priya Quentin Rosa Samuel Tamsin Umar Vera Wendell Xiaoming Yusuf Zofia'
).split(' ');

export function word(r: Random): string {
  const roll = r.next();
  if (roll < 0.5) return r.pick(SHORT);
  if (roll < 0.8) return r.pick(LONG);
  if (roll < 0.95) return r.pick(VERBS);
  return r.pick(NAMES);
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export function sentence(r: Random, minWords = 5, maxWords = 28): string {
  const n = r.int(minWords, maxWords);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = word(r);
    if (i > 2 && i < n - 2 && r.chance(0.06)) w += ',';
    if (r.chance(0.015)) w = `*${w}*`;
    words.push(w);
  }
  if (n > 10 && r.chance(0.1)) words.splice(r.int(3, n - 3), 0, '--');
  const text = capitalize(words.join(' ').replace(/,$/, ''));
  const end = r.chance(0.08) ? '?' : '.';
  return r.chance(0.07) ? `"${text}${end}"` : `${text}${end}`;
}

/** A paragraph of 1 to 9 sentences, mostly 3 to 5. */
export function paragraph(r: Random): string {
  const n = r.chance(0.15) ? r.int(1, 2) : r.chance(0.2) ? r.int(6, 9) : r.int(3, 5);
  return Array.from({ length: n }, () => sentence(r)).join(' ');
}

export function title(r: Random, words = r.int(2, 5)): string {
  const parts = Array.from({ length: words }, (_, i) => (i === 0 ? r.pick(LONG) : word(r)));
  return parts.map((w, i) => (i === 0 || w.length > 3 ? capitalize(w) : w)).join(' ');
}

export const personName = (r: Random): string => `${r.pick(NAMES)} ${capitalize(r.pick(LONG))}`;

export const countWords = (text: string): number => text.split(/\s+/).filter(Boolean).length;
