/**
 * Code blocks (fenced and indented): highlighted at build time with Shiki's TextMate grammars, so
 * no output carries JavaScript. The HTML is the same for every output and holds classes only
 * (`tok-kw`, `tok-str`…, from the grammar's scope names); each output's stylesheet colours them.
 *
 *   <div class="code-block [numbered] [short]" data-line="12">
 *     <div class="code-filename"><code>server.ts</code></div>        (filename="server.ts")
 *     <pre class="code"><code class="language-ts"><span class="line" data-n="1">…\n</span>…</code></pre>
 *   </div>
 *
 * Each source line is one `span.line` that ends with its newline: the stylesheets make lines
 * blocks (to wrap them with a hanging indent and a continuation mark, and to keep page breaks
 * between lines), and without a stylesheet the newlines still separate them. A newline between
 * two block spans would print as a blank line, so there is none. Tabs are expanded to spaces
 * (book.yaml `code.tabWidth`), as pandoc does: reading systems disagree on `tab-size`, and a
 * wrapped line with tab stops has no sensible hanging indent.
 *
 * Fence attributes (markdown-it-attrs): `{.numberLines startFrom="10"}` numbers the lines (pandoc's
 * names), `filename="app.js"` sets a file name above the block (Quarto's). The same may follow the
 * language without braces, as GitHub leaves them be and MDX-based doc tools write them:
 * ```` ```ts filename="app.js" ```` (also `title="…"`, Docusaurus's and MkDocs's, and MkDocs's
 * `linenums="10"`). The language is the
 * first word of the info string, else the first class (`{.python}`). An unknown language prints as
 * plain code, with a warning naming the file and line of its first block.
 */
import { captionLabelHtml } from './caption-label.ts';
import type { MarkdownIt, Token } from 'markdown-it';
import { createHighlighterCoreSync, type HighlighterCore, type LanguageRegistration } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';
// Grammars are imported statically because markdown-it renders synchronously; each is compiled
// only when a book first uses it (loadLanguageSync below). The set: the languages most used in
// technical writing, and the configuration formats that go with them.
import bat from 'shiki/langs/bat.mjs';
import c from 'shiki/langs/c.mjs';
import clojure from 'shiki/langs/clojure.mjs';
import cmake from 'shiki/langs/cmake.mjs';
import cpp from 'shiki/langs/cpp.mjs';
import csharp from 'shiki/langs/csharp.mjs';
import css from 'shiki/langs/css.mjs';
import dart from 'shiki/langs/dart.mjs';
import diff from 'shiki/langs/diff.mjs';
import docker from 'shiki/langs/docker.mjs';
import dotenv from 'shiki/langs/dotenv.mjs';
import elixir from 'shiki/langs/elixir.mjs';
import erlang from 'shiki/langs/erlang.mjs';
import fsharp from 'shiki/langs/fsharp.mjs';
import go from 'shiki/langs/go.mjs';
import graphql from 'shiki/langs/graphql.mjs';
import groovy from 'shiki/langs/groovy.mjs';
import haskell from 'shiki/langs/haskell.mjs';
import hcl from 'shiki/langs/hcl.mjs';
import html from 'shiki/langs/html.mjs';
import http from 'shiki/langs/http.mjs';
import ini from 'shiki/langs/ini.mjs';
import java from 'shiki/langs/java.mjs';
import javascript from 'shiki/langs/javascript.mjs';
import json from 'shiki/langs/json.mjs';
import jsonc from 'shiki/langs/jsonc.mjs';
import jsx from 'shiki/langs/jsx.mjs';
import julia from 'shiki/langs/julia.mjs';
import kotlin from 'shiki/langs/kotlin.mjs';
import latex from 'shiki/langs/latex.mjs';
import lua from 'shiki/langs/lua.mjs';
import make from 'shiki/langs/make.mjs';
import markdown from 'shiki/langs/markdown.mjs';
import nginx from 'shiki/langs/nginx.mjs';
import nix from 'shiki/langs/nix.mjs';
import objectiveC from 'shiki/langs/objective-c.mjs';
import ocaml from 'shiki/langs/ocaml.mjs';
import perl from 'shiki/langs/perl.mjs';
import php from 'shiki/langs/php.mjs';
import powershell from 'shiki/langs/powershell.mjs';
import properties from 'shiki/langs/properties.mjs';
import proto from 'shiki/langs/proto.mjs';
import python from 'shiki/langs/python.mjs';
import r from 'shiki/langs/r.mjs';
import regexp from 'shiki/langs/regexp.mjs';
import ruby from 'shiki/langs/ruby.mjs';
import rust from 'shiki/langs/rust.mjs';
import scala from 'shiki/langs/scala.mjs';
import scss from 'shiki/langs/scss.mjs';
import shellscript from 'shiki/langs/shellscript.mjs';
import shellsession from 'shiki/langs/shellsession.mjs';
import sql from 'shiki/langs/sql.mjs';
import swift from 'shiki/langs/swift.mjs';
import terraform from 'shiki/langs/terraform.mjs';
import toml from 'shiki/langs/toml.mjs';
import tsx from 'shiki/langs/tsx.mjs';
import typescript from 'shiki/langs/typescript.mjs';
import xml from 'shiki/langs/xml.mjs';
import yaml from 'shiki/langs/yaml.mjs';
import zig from 'shiki/langs/zig.mjs';

/** Each module's registrations: the language itself last, the grammars it embeds before it. */
const GRAMMARS: LanguageRegistration[][] = [
  bat, c, clojure, cmake, cpp, csharp, css, dart, diff, docker, dotenv, elixir, erlang, fsharp, go, graphql, groovy,
  haskell, hcl, html, http, ini, java, javascript, json, jsonc, jsx, julia, kotlin, latex, lua, make, markdown, nginx,
  nix, objectiveC, ocaml, perl, php, powershell, properties, proto, python, r, regexp, ruby, rust, scala, scss,
  shellscript, shellsession, sql, swift, terraform, toml, tsx, typescript, xml, yaml, zig,
];

/** Names as authors write them → the grammar that serves them (Shiki's own aliases, and a few more). */
const BY_NAME = new Map<string, LanguageRegistration[]>();
for (const module of GRAMMARS) {
  const main = module[module.length - 1]!;
  for (const name of [main.name, ...(main.aliases ?? [])]) BY_NAME.set(name.toLowerCase(), module);
}
const EXTRA_ALIASES: Record<string, string> = {
  golang: 'go', 'shell-session': 'shellsession', terminal: 'shellsession', 'sh-session': 'shellsession',
  cxx: 'cpp', hpp: 'cpp', h: 'c', 'objective-c': 'objective-c', objc: 'objective-c', kt: 'kotlin', ps1: 'powershell',
  pwsh: 'powershell', tf: 'terraform', env: 'dotenv', conf: 'ini', cfg: 'ini', cs: 'csharp', 'c#': 'csharp',
  html5: 'html', svg: 'xml', xhtml: 'html', patch: 'diff', rb: 'ruby', rs: 'rust', py3: 'python', python3: 'python',
  yml: 'yaml', protobuf: 'proto', gql: 'graphql', tex: 'latex', docker: 'docker', md: 'markdown',
};
for (const [alias, name] of Object.entries(EXTRA_ALIASES)) {
  const module = BY_NAME.get(name);
  if (module && !BY_NAME.has(alias)) BY_NAME.set(alias, module);
}
/** Names that say "no highlighting" on purpose: never warned about. */
const PLAIN = new Set(['', 'text', 'txt', 'plain', 'plaintext', 'none', 'nohighlight', 'no-highlight', 'output', 'raw']);

/** Classes on the fence that are features, not the language (pandoc and Quarto spellings). */
const NUMBER_LINES = new Set(['numberLines', 'number-lines', 'numberlines']);

/** Blocks of at most this many lines are kept on one page. */
export const SHORT_BLOCK_LINES = 12;

export interface CodePluginOptions {
  /** Columns per tab stop (book.yaml code.tabWidth). */
  tabWidth?: number;
}

export interface CodeWarning {
  line: number;
  message: string;
}

/** What the plugin has to say about a file's code, in the markdown-it env of that file. */
interface CodeEnv {
  bodyLine?: number;
  codeWarnings?: CodeWarning[];
}

export const codeWarningsOf = (env: object): CodeWarning[] => (env as CodeEnv).codeWarnings ?? [];

export function codePlugin(md: MarkdownIt, options: CodePluginOptions = {}): void {
  const tabWidth = options.tabWidth ?? 4;

  // At parse time, where the line numbers are known: one warning per unknown language and file.
  md.core.ruler.push('code_languages', (state) => {
    const env = state.env as CodeEnv;
    const warnings = (env.codeWarnings ??= []);
    const unknown = new Map<string, { line: number; count: number }>();
    for (const token of state.tokens) {
      if (token.type !== 'fence') continue;
      const { name, grammar } = languageOf(token);
      if (grammar || PLAIN.has(name)) continue;
      const seen = unknown.get(name);
      if (seen) seen.count++;
      else unknown.set(name, { line: (token.map?.[0] ?? 0) + (env.bodyLine ?? 1), count: 1 });
    }
    for (const [name, { line, count }] of unknown) {
      warnings.push({
        line,
        message: `code in "${name}" prints as plain text${count > 1 ? ` (${count} blocks, the first here)` : ''}: the builder has no grammar for that language; name one it knows (${[...SAMPLE_NAMES].join(', ')}…) or write "text" for plain code`,
      });
    }
  });

  md.renderer.rules.fence = (tokens, idx, _options, env) => renderBlock(md, tokens[idx]!, true, tabWidth, env as CodeEnv);
  md.renderer.rules.code_block = (tokens, idx, _options, env) => renderBlock(md, tokens[idx]!, false, tabWidth, env as CodeEnv);
}

const SAMPLE_NAMES = ['ts', 'js', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'sh', 'console', 'yaml', 'json', 'sql', 'diff'];

function classesOf(token: Token): string[] {
  return String(token.attrGet('class') ?? '').split(/\s+/).filter(Boolean);
}

/** The fence's language: the info string's first word, else the first class (`{.python}`). */
function languageOf(token: Token): { name: string; grammar: LanguageRegistration[] | undefined; fromClass: string | undefined } {
  const first = token.info.trim().split(/\s+/)[0] ?? '';
  const word = first.includes('=') ? '' : first; // ```filename="x": no language
  if (word) {
    const name = word.toLowerCase();
    return { name, grammar: BY_NAME.get(name), fromClass: undefined };
  }
  const cls = classesOf(token).find((c) => !NUMBER_LINES.has(c));
  if (cls === undefined) return { name: '', grammar: undefined, fromClass: undefined };
  const grammar = BY_NAME.get(cls.toLowerCase());
  // An unknown class on a fence with no info string is a class, not a language.
  return grammar ? { name: cls.toLowerCase(), grammar, fromClass: cls } : { name: '', grammar: undefined, fromClass: undefined };
}

function renderBlock(md: MarkdownIt, token: Token, fenced: boolean, tabWidth: number, env: CodeEnv): string {
  const escape = md.utils.escapeHtml;
  const { name, grammar, fromClass } = fenced ? languageOf(token) : { name: '', grammar: undefined, fromClass: undefined };
  const classes = classesOf(token).filter((c) => c !== fromClass);
  const info = fenced ? infoAttributes(token.info) : new Map<string, string>();
  const numbered = classes.some((c) => NUMBER_LINES.has(c)) || info.has('linenums');
  const extraClasses = classes.filter((c) => !NUMBER_LINES.has(c));

  const source = token.content.replace(/\n$/, '');
  let lines: Piece[][];
  try {
    lines = grammar ? highlight(source, grammar) : plainLines(source);
  } catch (e) {
    // A grammar that fails (a pattern the JavaScript engine cannot run) costs the colours, not the code.
    lines = plainLines(source);
    const line = token.map ? token.map[0] + (env.bodyLine ?? 1) : (env.bodyLine ?? 1);
    (env.codeWarnings ??= []).push({ line, message: `code in "${name}" prints as plain text: its grammar failed (${(e as Error).message})` });
  }

  let first = 1;
  const startFrom = token.attrGet('startFrom') ?? info.get('startFrom') ?? info.get('linenums') ?? null;
  if (numbered && startFrom !== null) {
    const n = Number(startFrom);
    if (Number.isInteger(n) && n >= 0) first = n;
    else {
      const line = token.map ? token.map[0] + (env.bodyLine ?? 1) : (env.bodyLine ?? 1);
      (env.codeWarnings ??= []).push({ line, message: `startFrom="${startFrom}" is not a whole number; the lines are numbered from 1` });
    }
  }

  const body = lines
    .map((pieces, k) => {
      const text = expandTabs(pieces, tabWidth)
        .map((p) => (p.cls ? `<span class="tok-${p.cls}">${escape(p.text)}</span>` : escape(p.text)))
        .join('');
      return `<span class="line"${numbered ? ` data-n="${first + k}"` : ''}>${text}\n</span>`;
    })
    .join('');

  const blockClasses = ['code-block', ...(numbered ? ['numbered'] : []), ...(lines.length <= SHORT_BLOCK_LINES ? ['short'] : []), ...extraClasses];
  const attrs = [`class="${escape(blockClasses.join(' '))}"`];
  for (const key of ['id', 'lang', 'dir', 'title', 'data-line']) {
    const value = token.attrGet(key);
    if (value !== null) attrs.push(`${key}="${escape(String(value))}"`);
  }
  const filename = token.attrGet('filename') ?? info.get('filename') ?? info.get('title');
  const label = filename ? `<div class="code-filename"><code>${escape(String(filename))}</code></div>` : '';
  const langClass = /^[\w+#.-]+$/.test(name) ? ` class="language-${escape(name)}"` : '';
  const caption = token.attrGet('caption') ?? info.get('caption');
  const id = token.attrGet('id');
  const number = captionLabelHtml(md, env, id === null ? undefined : String(id));
  if (!caption && !number) return `<div ${attrs.join(' ')}>${label}<pre class="code"><code${langClass}>${body}</code></pre></div>\n`;
  // A listing (```ts {#lst:server caption="…"}): numbered, its caption above the code, the id on the figure.
  const blockAttrs = attrs.filter((a) => !a.startsWith('id=') && !a.startsWith('data-line='));
  const figureAttrs = attrs.filter((a) => a.startsWith('id=') || a.startsWith('data-line='));
  const captionHtml = `<figcaption class="listing-caption">${number}${caption ? escape(String(caption)) : ''}</figcaption>`;
  return `<figure class="listing"${figureAttrs.length ? ` ${figureAttrs.join(' ')}` : ''}>${captionHtml}<div ${blockAttrs.join(' ')}>${label}<pre class="code"><code${langClass}>${body}</code></pre></div></figure>\n`;
}

/** `key="value"` pairs after the language in a fence's info string (those in braces are markdown-it-attrs'). */
function infoAttributes(info: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of info.matchAll(/([A-Za-z][\w-]*)=(?:"([^"]*)"|'([^']*)'|([^\s"']+))/g)) {
    found.set(m[1]!, m[2] ?? m[3] ?? m[4] ?? '');
  }
  return found;
}

/** A run of text and its class (empty: plain). */
interface Piece {
  text: string;
  cls: string;
}

const plainLines = (source: string): Piece[][] => source.split('\n').map((text) => (text ? [{ text, cls: '' }] : []));

let highlighter: HighlighterCore | undefined;
const loaded = new Set<LanguageRegistration[]>();

/** The grammar's own theme is not used: the colours come from the stylesheets, by class. */
const THEME = { name: 'book-classes', type: 'light' as const, settings: [] };

/**
 * Time a grammar may take over one line. Shiki's default, half a second, also covers the first
 * line's translation of the grammar's patterns for the JavaScript engine: on a busy machine a
 * TypeScript block's first line ran past it, and the grammar then failed on the next line (the
 * colours lost, with a warning, in one build and not in the next).
 */
const TOKENIZE_MS_PER_LINE = 10_000;

function highlight(source: string, grammar: LanguageRegistration[]): Piece[][] {
  highlighter ??= createHighlighterCoreSync({
    themes: [THEME],
    langs: [],
    // Skips a pattern it cannot translate instead of failing the grammar.
    engine: createJavaScriptRegexEngine({ forgiving: true }),
  });
  if (!loaded.has(grammar)) {
    highlighter.loadLanguageSync(grammar);
    loaded.add(grammar);
  }
  const lang = grammar[grammar.length - 1]!.name;
  const { tokens } = highlighter.codeToTokens(source, { lang, theme: THEME.name, includeExplanation: 'scopeName', tokenizeTimeLimit: TOKENIZE_MS_PER_LINE });
  const sourceLines = source.split('\n');
  return tokens.map((line, k) => {
    const parts = line.flatMap((token) =>
      (token.explanation ?? [{ content: token.content, scopes: [] }]).map((part) => ({
        text: part.content,
        // White space has no class of its own: it joins a run only between two of that class.
        cls: part.content.trim() ? classify(part.scopes.map((s) => s.scopeName), part.content) : WHITE,
      })),
    );
    // The class of the next run that is not white space, for each run.
    const nextClass: (string | undefined)[] = [];
    for (let i = parts.length - 1, next: string | undefined; i >= 0; i--) {
      nextClass[i] = next;
      if (parts[i]!.cls !== WHITE) next = parts[i]!.cls;
    }
    const pieces: Piece[] = [];
    parts.forEach((part, i) => {
      const last = pieces[pieces.length - 1];
      let cls = part.cls;
      if (cls === WHITE) cls = last && nextClass[i] === last.cls ? last.cls : '';
      if (last && last.cls === cls) last.text += part.text;
      else pieces.push({ text: part.text, cls });
    });
    // Whatever the grammar did, the line prints whole.
    return pieces.map((p) => p.text).join('') === sourceLines[k] ? pieces : plainLines(sourceLines[k] ?? '')[0] ?? [];
  });
}

/** Stops the search outward: code embedded in a string or in another language is not that string. */
const STOP = '';
const OPERATOR = '?';
/** Marks white space while runs are joined. */
const WHITE = ' ';

/** Scope name prefixes → class, tried for each scope from the innermost outward; first match wins. */
const RULES: [string, string][] = [
  ['comment', 'com'],
  ['punctuation.definition.comment', 'com'],
  ['meta.embedded', STOP],
  ['meta.template.expression', STOP],
  ['meta.interpolation', STOP],
  ['string', 'str'],
  ['markup.inline.raw', 'str'],
  ['markup.raw', 'str'],
  ['constant.character.escape', 'str'],
  ['constant', 'const'],
  ['keyword.operator', OPERATOR],
  ['keyword', 'kw'],
  ['storage', 'kw'],
  ['variable.language', 'kw'],
  ['punctuation.separator.prompt', 'kw'],
  ['support.type.property-name', 'attr'],
  ['entity.other.attribute-name', 'attr'],
  ['entity.name.tag', 'tag'],
  ['entity.name.function', 'fn'],
  ['support.function', 'fn'],
  ['entity.name.type', 'type'],
  ['entity.name.class', 'type'],
  ['entity.other.inherited-class', 'type'],
  ['support.type', 'type'],
  ['support.class', 'type'],
  ['entity.name.section', 'kw'],
  ['markup.heading', 'kw'],
  ['markup.inserted', 'ins'],
  ['markup.deleted', 'del'],
  ['meta.diff.range', 'kw'],
  ['meta.diff.header', 'kw'],
  ['source', STOP],
  ['text', STOP],
];

const matches = (scope: string, prefix: string): boolean => scope === prefix || scope.startsWith(`${prefix}.`);

export function classify(scopes: string[], content: string): string {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const rule = RULES.find(([prefix]) => matches(scopes[i]!, prefix));
    if (!rule) continue;
    // Word operators (new, typeof, and, not) are keywords; symbols (= + ->) stay plain.
    if (rule[1] === OPERATOR) return /^[\p{L}_]+$/u.test(content.trim()) ? 'kw' : '';
    return rule[1];
  }
  return '';
}

/** Tabs to spaces, counting columns across the line's runs. */
function expandTabs(pieces: Piece[], tabWidth: number): Piece[] {
  let column = 0;
  return pieces.map((p) => {
    if (!p.text.includes('\t')) {
      column += [...p.text].length;
      return p;
    }
    let text = '';
    for (const ch of p.text) {
      if (ch === '\t') {
        const n = tabWidth - (column % tabWidth);
        text += ' '.repeat(n);
        column += n;
      } else {
        text += ch;
        column++;
      }
    }
    return { text, cls: p.cls };
  });
}
