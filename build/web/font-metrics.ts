/**
 * A fallback face whose lines and words take the room the book's text face will take, so that the
 * page does not move when the web font arrives (the technique of Next.js's and Fontaine's font
 * fallbacks): a local Times New Roman (or its metric twin Liberation Serif) of the same weight and
 * style, scaled by size-adjust to the face's average width, with the face's ascent, descent and
 * line gap.
 */

/** The vertical metrics and average advance width of a font, in em. */
export interface FontMetrics {
  ascent: number;
  descent: number;
  lineGap: number;
  /** The advance of an average character of English text (letter frequencies, spaces included). */
  averageWidth: number;
}

/**
 * Relative frequencies of the letters in English text, and of the space between words (about one
 * character in six): the weights of the average width, as in Capsize's xWidthAvg.
 */
const FREQUENCIES: Record<string, number> = {
  ' ': 18.3, a: 6.5, b: 1.3, c: 2.2, d: 3.3, e: 10.3, f: 1.8, g: 1.6, h: 5.0, i: 5.7, j: 0.1, k: 0.6, l: 3.3, m: 2.0,
  n: 5.7, o: 6.2, p: 1.5, q: 0.1, r: 5.0, s: 5.3, t: 7.5, u: 2.3, v: 0.8, w: 1.7, x: 0.1, y: 1.4, z: 0.1,
};
export const METRIC_SAMPLE = Object.keys(FREQUENCIES).join('');

/**
 * Liberation Serif 2.1 (metric-compatible with Times New Roman), measured with fontMetrics() from
 * Debian's fonts-liberation: the fallback most systems have, by style. The vertical metrics are
 * the same in all four.
 */
const TIMES_VERTICAL = { ascent: 0.8911, descent: 0.2163, lineGap: 0.0425 };
export const TIMES_METRICS: Record<'regular' | 'bold' | 'italic' | 'boldItalic', FontMetrics> = {
  regular: { ...TIMES_VERTICAL, averageWidth: 0.3984 },
  bold: { ...TIMES_VERTICAL, averageWidth: 0.4241 },
  italic: { ...TIMES_VERTICAL, averageWidth: 0.4002 },
  boldItalic: { ...TIMES_VERTICAL, averageWidth: 0.41 },
};

/** The local names of each style of Times New Roman and its metric twins, as src: local() takes them. */
const TIMES_NAMES: Record<keyof typeof TIMES_METRICS, string[]> = {
  regular: ['Times New Roman', 'TimesNewRomanPSMT', 'Liberation Serif', 'LiberationSerif', 'Tinos'],
  bold: ['Times New Roman Bold', 'TimesNewRomanPS-BoldMT', 'Liberation Serif Bold', 'LiberationSerif-Bold', 'Tinos Bold'],
  italic: ['Times New Roman Italic', 'TimesNewRomanPS-ItalicMT', 'Liberation Serif Italic', 'LiberationSerif-Italic', 'Tinos Italic'],
  boldItalic: ['Times New Roman Bold Italic', 'TimesNewRomanPS-BoldItalicMT', 'Liberation Serif Bold Italic', 'LiberationSerif-BoldItalic', 'Tinos Bold Italic'],
};

/** Reads the metrics from a TrueType/OpenType file (sfnt): head, hhea, hmtx and a format 4 cmap. */
export function fontMetrics(font: Buffer): FontMetrics {
  const tables = new Map<string, number>();
  const count = font.readUInt16BE(4);
  for (let k = 0; k < count; k++) {
    const record = 12 + 16 * k;
    tables.set(font.toString('latin1', record, record + 4), font.readUInt32BE(record + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`the font has no ${tag} table`);
    return offset;
  };
  const unitsPerEm = font.readUInt16BE(table('head') + 18);
  const hhea = table('hhea');
  const hmetrics = font.readUInt16BE(hhea + 34);
  const hmtx = table('hmtx');
  const advance = (glyph: number): number => font.readUInt16BE(hmtx + 4 * Math.min(glyph, hmetrics - 1));
  const glyphOf = glyphLookup(font);
  let total = 0;
  let weights = 0;
  for (const [ch, weight] of Object.entries(FREQUENCIES)) {
    const glyph = glyphOf(ch.codePointAt(0)!);
    if (glyph === 0) continue;
    total += advance(glyph) * weight;
    weights += weight;
  }
  return {
    ascent: font.readInt16BE(hhea + 4) / unitsPerEm,
    descent: -font.readInt16BE(hhea + 6) / unitsPerEm,
    lineGap: font.readInt16BE(hhea + 8) / unitsPerEm,
    averageWidth: weights > 0 ? total / weights / unitsPerEm : 0.5,
  };
}

/**
 * The glyph of a code point in an sfnt font, from its Unicode cmap subtable (format 12 when there
 * is one, else format 4); 0 when the font does not have it.
 */
export function glyphLookup(font: Buffer): (codePoint: number) => number {
  const count = font.readUInt16BE(4);
  let cmap = -1;
  for (let k = 0; k < count; k++) {
    const record = 12 + 16 * k;
    if (font.toString('latin1', record, record + 4) === 'cmap') cmap = font.readUInt32BE(record + 8);
  }
  if (cmap < 0) return () => 0;
  const subtables = font.readUInt16BE(cmap + 2);
  const offsets: number[] = [];
  for (let k = 0; k < subtables; k++) offsets.push(cmap + font.readUInt32BE(cmap + 4 + 8 * k + 4));
  const format12 = offsets.find((o) => font.readUInt16BE(o) === 12);
  if (format12 !== undefined) {
    const groups = font.readUInt32BE(format12 + 12);
    return (cp) => {
      for (let g = 0; g < groups; g++) {
        const at = format12 + 16 + 12 * g;
        const start = font.readUInt32BE(at);
        if (cp < start) return 0;
        if (cp <= font.readUInt32BE(at + 4)) return font.readUInt32BE(at + 8) + (cp - start);
      }
      return 0;
    };
  }
  const sub = offsets.find((o) => font.readUInt16BE(o) === 4);
  if (sub === undefined) return () => 0;
  const segments = font.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  return (cp) => {
    for (let s = 0; s < segments; s++) {
      if (font.readUInt16BE(ends + 2 * s) < cp) continue;
      const start = font.readUInt16BE(starts + 2 * s);
      if (start > cp) return 0;
      const delta = font.readInt16BE(deltas + 2 * s);
      const rangeAt = rangeOffsets + 2 * s;
      const range = font.readUInt16BE(rangeAt);
      if (range === 0) return (cp + delta) & 0xffff;
      const glyph = font.readUInt16BE(rangeAt + range + 2 * (cp - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

const percent = (n: number): string => `${(n * 100).toFixed(2)}%`;

/**
 * The @font-face of one face of `family`'s metric fallback ("Literata Fallback", at the face's
 * weight and style), from that face's metrics.
 */
export function fallbackFaceCss(family: string, face: { weight: number; style: 'normal' | 'italic' }, metrics: FontMetrics): string {
  const bold = face.weight >= 600;
  const key = face.style === 'italic' ? (bold ? 'boldItalic' : 'italic') : bold ? 'bold' : 'regular';
  const sizeAdjust = metrics.averageWidth / TIMES_METRICS[key].averageWidth;
  return [
    '@font-face {',
    `  font-family: "${family} Fallback";`,
    `  font-style: ${face.style};`,
    `  font-weight: ${face.weight};`,
    `  src: ${TIMES_NAMES[key].map((name) => `local("${name}")`).join(', ')};`,
    `  size-adjust: ${percent(sizeAdjust)};`,
    `  ascent-override: ${percent(metrics.ascent / sizeAdjust)};`,
    `  descent-override: ${percent(metrics.descent / sizeAdjust)};`,
    `  line-gap-override: ${percent(metrics.lineGap / sizeAdjust)};`,
    '}',
  ].join('\n');
}
