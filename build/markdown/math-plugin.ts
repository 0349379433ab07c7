/**
 * TeX math, as GitHub and Pandoc write it, rendered at build time to MathML by Temml (no script
 * in any output: EPUB reading systems need not run one, and the PDFs are laid out offline):
 *
 *   inline   $f = 1/T$            GitHub's $`f = 1/T`$ too
 *   display  $$ E = mc^2 $$        on one line, or with $$ opening and closing lines
 *   label    $$ E = mc^2 $$ {#eq:energy}   right after the closing $$, on its line (pandoc-crossref)
 *   fence    ```math {#eq:energy}         GitHub's other display form: a fence in "math"
 *
 * Dollars that are money stay text, by Pandoc's rule: the opening $ must have a non-space
 * character right after it, the closing $ a non-space character right before it and no digit
 * right after it, so "$5 and $10", "US$5 or US$10" and "300 $ et 1 200 $" are text. `\$` is a
 * dollar sign, in text (markdown-it's escape) and inside a formula (TeX's). The rules are
 * markdown-it-math's (6.0.1), written here because the labels, the closing-$ rules and the line
 * count within a paragraph need hooks that package does not have.
 *
 * Each formula is compiled once, at parse time, where its line is known; a TeX error is kept on
 * its token and reported by the parse stage as a BookError at the formula's line (parse.ts). A
 * display equation is `<div class="equation" id="…">` holding the MathML and an empty
 * `<span class="equation-number">`, which the numbering pass fills. Every `<math>` carries its
 * namespace (EPUB, DAISY), `alttext` = the TeX source and the TeX as an annotation, for readers
 * that cannot render MathML and for copying.
 */
import temml from 'temml';
import type { CaptionEnv } from './caption-label.ts';
import type { MarkdownIt, StateBlock, StateCore, StateInline, Token } from 'markdown-it';

export interface MathMeta {
  display: boolean;
  /** Written as a ```math fence, whose formula starts on the line after the fence's. */
  fence?: boolean;
  /** The label after a display equation's closing $$ ({#eq:name}), as written. */
  label?: string;
  /** The MathML, once compiled. */
  html?: string;
  /** What is wrong, in words for the author; `lineOffset` is its line within the formula. */
  error?: { message: string; lineOffset: number };
}

export const MATH_INLINE = 'math_inline';
export const MATH_BLOCK = 'math_block';
export const EQUATION_CLASS = 'equation';

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;
const BACKTICK = 0x60;

/** markdown-it types `meta` as a plain record; on the math tokens it is always a MathMeta. */
const metaOf = (token: Token): MathMeta => token.meta as unknown as MathMeta;
const setMeta = (token: Token, meta: MathMeta): void => {
  token.meta = meta as unknown as Record<string, unknown>;
};

/** The TeX error on a math token, if it has one. */
export function mathError(token: Token): MathMeta['error'] {
  return token.type === MATH_INLINE || token.type === MATH_BLOCK ? metaOf(token).error : undefined;
}

export function mathPlugin(md: MarkdownIt): void {
  // Before markdown-it's escape rule, as in markdown-it-math: `\$` outside a formula is then
  // still escaped (the rule only starts at a $), and $`…`$ is read before code spans.
  md.inline.ruler.before('escape', MATH_INLINE, inlineMath);
  md.block.ruler.after('blockquote', MATH_BLOCK, blockMath, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  // After markdown-it-attrs has read a fence's {#eq:name}, before the code plugin sees the fence.
  try {
    md.core.ruler.after('curly_attributes', 'math_fences', mathFences);
  } catch {
    md.core.ruler.after('block', 'math_fences', mathFences);
  }
  md.core.ruler.push('math_compile', compileAll);

  md.renderer.rules[MATH_INLINE] = (tokens, idx) => metaOf(tokens[idx]!).html ?? '';
  md.renderer.rules[MATH_BLOCK] = (tokens, idx, _options, env, self) => {
    const token = tokens[idx]!;
    const id = token.attrGet('id');
    const number = id === null ? undefined : (env as CaptionEnv | undefined)?.captionLabel?.(String(id));
    return `<div${self.renderAttrs(token)}>${metaOf(token).html ?? ''}<span class="equation-number">${number ? md.utils.escapeHtml(number) : ''}</span></div>\n`;
  };
}

/** Index of the next `$` (or `$$`) at or after `from` that no backslash escapes, or -1. */
function closingDollar(src: string, from: number, double: boolean): number {
  for (let i = from; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === BACKSLASH) {
      i++; // \$ and \\ are TeX's; skip the escaped character
      continue;
    }
    if (c === DOLLAR && (!double || src.charCodeAt(i + 1) === DOLLAR)) return i;
  }
  return -1;
}

function inlineMath(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== DOLLAR) return false;
  const isSpace = (code: number): boolean => state.md.utils.isWhiteSpace(code) || code === 0x0a;
  let open: number;
  let close: number;
  let end: number;
  let display = false;
  if (src.charCodeAt(start + 1) === BACKTICK) {
    // GitHub's $`…`$: no ambiguity with money, so no rules on the characters around it.
    open = start + 2;
    close = src.indexOf('`$', open);
    if (close < 0) return false;
    end = close + 2;
  } else if (src.charCodeAt(start + 1) === DOLLAR) {
    // $$…$$ inside a paragraph: a display formula in the run of the text.
    open = start + 2;
    close = closingDollar(src, open, true);
    if (close < 0) return false;
    end = close + 2;
    display = true;
  } else {
    open = start + 1;
    if (open >= state.posMax || isSpace(src.charCodeAt(open))) return false;
    close = closingDollar(src, open, false);
    if (close < 0 || close >= state.posMax) return false;
    if (isSpace(src.charCodeAt(close - 1))) return false;
    const after = src.charCodeAt(close + 1);
    if (after >= 0x30 && after <= 0x39) return false; // "$20,000 and $30,000"
    end = close + 1;
  }
  if (end > state.posMax) return false;
  const tex = src.slice(open, close);
  if (!tex.trim()) return false;
  if (!silent) {
    const token = state.push(MATH_INLINE, 'math', 0);
    token.markup = src.slice(start, open);
    // Newlines are kept: the parse stage counts them to know the line of what follows.
    token.content = tex;
    setMeta(token, { display });
  }
  state.pos = end;
  return true;
}

/** The closing $$ at the end of a line, with the label that may follow it. */
const CLOSING = /\$\$[ \t]*(\{[^{}]*\})?[ \t]*$/;
const LABEL = /^\{#([^\s{}]+)\}$/;

function blockMath(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false; // indented code
  const lineText = (line: number): string => state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]!);
  const first = lineText(startLine);
  if (!first.startsWith('$$')) return false;

  /** The content of a closing line (before its $$) and its label, or undefined if it does not close. */
  const closes = (text: string, from: number): { before: string; attrs: string | undefined } | undefined => {
    const m = CLOSING.exec(text.slice(from));
    if (!m) return undefined;
    const before = text.slice(from, from + m.index);
    // "\$$" is an escaped dollar followed by a dollar, not a closing $$.
    if (/(^|[^\\])(\\\\)*\\$/.test(before)) return undefined;
    return { before, attrs: m[1] };
  };

  let tex: string;
  let closeLine = startLine;
  let attrs: string | undefined;
  let closed = false;
  const single = first.length > 2 ? closes(first, 2) : undefined;
  if (single && single.before.trim()) {
    // $$ … $$ on one line; a second $$ inside ("$$a$$ and $$b$$") is inline math in a paragraph.
    if (closingDollar(single.before, 0, true) >= 0) return false;
    tex = single.before;
    attrs = single.attrs;
    closed = true;
  } else {
    const lines = [first.slice(2)];
    for (let line = startLine + 1; line < endLine; line++) {
      // No blank line inside an equation (Pandoc's rule): it ends the block, unclosed.
      if (state.isEmpty(line)) break;
      // Inside a list or a quotation, a line less indented than the block ends it.
      if (state.sCount[line]! < state.blkIndent) break;
      const text = lineText(line);
      const end = closes(text, 0);
      if (end) {
        lines.push(end.before);
        attrs = end.attrs;
        closeLine = line;
        closed = true;
        break;
      }
      lines.push(text);
      closeLine = line;
    }
    tex = lines.join('\n');
  }
  if (silent) return true;

  const token = state.push(MATH_BLOCK, 'div', 0);
  token.block = true;
  token.markup = '$$';
  token.content = tex;
  token.map = [startLine, closeLine + 1];
  token.attrSet('class', EQUATION_CLASS);
  const meta: MathMeta = { display: true };
  if (!closed) {
    meta.error = {
      message: 'this display equation is not closed: end it with a line ending in "$$", with no blank line inside the equation (write \\$ for a dollar sign)',
      lineOffset: 0,
    };
  } else if (attrs !== undefined) {
    const label = LABEL.exec(attrs)?.[1];
    if (label) {
      meta.label = label;
      token.attrSet('id', label);
    } else {
      meta.error = {
        message: `only a label may follow the closing "$$" of an equation, such as {#eq:name}; "${attrs}" is not one`,
        lineOffset: closeLine - startLine,
      };
    }
  }
  setMeta(token, meta);
  state.line = closeLine + 1;
  return true;
}

/** A ```math fence is a display equation, as on GitHub; its {#label} is the equation's. */
function mathFences(state: StateCore): void {
  for (const token of state.tokens) {
    if (token.type !== 'fence' || (token.info.trim().split(/[\s{]/)[0] ?? '').toLowerCase() !== 'math') continue;
    const label = token.attrGet('id');
    const others = (token.attrs ?? []).filter(([name]) => name !== 'id').map(([name, value]) => `${name}="${value}"`);
    token.type = MATH_BLOCK;
    token.tag = 'div';
    token.attrs = null;
    token.attrSet('class', EQUATION_CLASS);
    const meta: MathMeta = { display: true, fence: true };
    if (label !== null) {
      meta.label = String(label);
      token.attrSet('id', String(label));
    }
    if (others.length > 0) {
      meta.error = { message: `a math fence takes only a label, such as {#eq:name}; ${others.join(' ')} is not one`, lineOffset: 0 };
    }
    setMeta(token, meta);
  }
}

const TEMML_OPTIONS = {
  // Well-formed XML (EPUBCheck rejects the HTML serialisation), the TeX kept as an annotation,
  // and every error thrown: a formula shown in red in a printed book is a formula lost.
  xml: true,
  annotate: true,
  throwOnError: true,
  trust: false,
} as const;

function compileAll(state: StateCore): void {
  const visit = (tokens: Token[]): void => {
    for (const token of tokens) {
      if (token.type === MATH_INLINE || token.type === MATH_BLOCK) compile(token);
      if (token.children) visit(token.children);
    }
  };
  visit(state.tokens);
}

function compile(token: Token): void {
  const meta = metaOf(token);
  if (meta.error || meta.html !== undefined) return;
  // Trimmed, so the annotation holds the formula alone; `skipped` keeps error lines right.
  const tex = token.content.trim();
  const skipped = token.content.slice(0, token.content.length - token.content.trimStart().length);
  try {
    const mathml = temml.renderToString(tex, { ...TEMML_OPTIONS, displayMode: meta.display });
    meta.html = withAltText(mathml, tex, meta.display);
  } catch (e) {
    const { message, position } = e as { message: string; position?: number };
    const lineOffset = (meta.fence ? 1 : 0) + ((skipped + tex.slice(0, position ?? 0)).match(/\n/g)?.length ?? 0);
    const form = meta.fence ? 'fence' : token.type === MATH_BLOCK || meta.display ? 'display' : 'inline';
    meta.error = { message: texErrorMessage(tex, message, form), lineOffset };
  }
}

/**
 * The author's TeX as alttext, right after the namespace. A display formula's block layout is left
 * to the stylesheets (Temml's inline style and class assume its own stylesheet).
 */
function withAltText(mathml: string, tex: string, display: boolean): string {
  const alt = tex.trim().replace(/\s+/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return mathml.replace(/^<math xmlns="http:\/\/www\.w3\.org\/1998\/Math\/MathML"([^>]*)>/, (_, rest: string) => {
    const kept = display ? rest.replace(/ class="tml-display"/, '').replace(/ style="display:block math;"/, '') : rest;
    return `<math xmlns="http://www.w3.org/1998/Math/MathML" alttext="${alt}"${kept}>`;
  });
}

/** Temml's message without its underlined excerpt (combining characters), with the formula quoted. */
function texErrorMessage(tex: string, raw: string, form: 'inline' | 'display' | 'fence'): string {
  const what = raw
    .trim()
    .replace(/^(?:Temml )?(?:parse )?error:\s*/i, '')
    .replace(/ at end of input:[\s\S]*$/, ' at the end of the formula')
    .replace(/ at position (\d+):[\s\S]*$/, ' (at character $1 of the formula)');
  const flat = tex.trim().replace(/\s+/g, ' ');
  const quoted = flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
  const formula = form === 'fence' ? `the math fence "${quoted}"` : form === 'display' ? `$$ ${quoted} $$` : `$${quoted}$`;
  return `TeX error in ${formula}: ${what}. Fix the formula (the builder renders LaTeX math with Temml; a dollar sign in text is written \\$)`;
}
