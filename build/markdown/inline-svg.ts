/**
 * SVG images are drawn inline, inside the HTML, not through <img>: an SVG loaded as an image is a
 * separate document that cannot use the page's @font-face, so its labels would fall back to a
 * system face (and that face would end up in the PDF). Inline, its text is set in the book's font.
 *
 * The file is the author's, so it is rebuilt element by element from an allow-list of its own
 * (the raw-HTML tag filter would strip SVG altogether): shapes, text, gradients, clipping,
 * markers and simple filters are kept; scripts, event handlers, animation, embedded HTML, styles,
 * editor metadata and every reference outside the file are not. Ids are prefixed, so two
 * diagrams in one document never share one; the image's alt text becomes its <title>, which is
 * what screen readers announce for role="img".
 */
import { parseDocument } from 'htmlparser2';
import type { ChildNode, Element } from 'domhandler';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

const ELEMENTS = new Set([
  'svg', 'g', 'defs', 'symbol', 'use', 'title', 'desc', 'switch',
  'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon',
  'text', 'tspan', 'textPath',
  'linearGradient', 'radialGradient', 'stop', 'pattern', 'clipPath', 'mask', 'marker',
  'filter', 'feGaussianBlur', 'feOffset', 'feBlend', 'feFlood', 'feComposite', 'feMerge', 'feMergeNode',
  'feColorMatrix', 'feMorphology',
]);
/** Kept out with their content, and said so: the author would miss them. */
const REMOVED_VISIBLY: Record<string, string> = {
  style: 'its <style> element (styles in an inline SVG would apply to the whole page; use attributes such as fill="…" or style="…" on the elements)',
  foreignObject: 'a <foreignObject> (HTML inside SVG is not drawn by every reader)',
  image: 'an <image> inside it (embed the picture in the book as an image of its own)',
  script: 'a <script>',
  iframe: 'an <iframe>',
  video: 'a <video>',
  audio: 'an <audio>',
  canvas: 'a <canvas>',
};
/** Kept out silently: nothing of them shows on a page (editor data, animation, links' targets). */
const REMOVED_QUIETLY = new Set(['metadata', 'animate', 'animateMotion', 'animateTransform', 'animateColor', 'set', 'mpath', 'cursor', 'view']);
/** Elements whose children are kept without them: a link cannot be followed on paper. */
const UNWRAPPED = new Set(['a']);

/** Presentation and geometry attributes (SVG 1.1, which EPUB 3 readers and EPUBCheck know). */
const ATTRIBUTES = new Set([
  'id', 'class', 'transform', 'd', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'fx', 'fy',
  'width', 'height', 'points', 'viewBox', 'preserveAspectRatio', 'pathLength',
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-linecap', 'stroke-linejoin',
  'stroke-dasharray', 'stroke-dashoffset', 'stroke-opacity', 'stroke-miterlimit', 'opacity', 'color',
  'display', 'visibility', 'overflow', 'clip', 'clip-path', 'clip-rule', 'mask', 'filter',
  'font-size', 'font-weight', 'font-style', 'font-variant', 'font-stretch', 'text-anchor', 'dominant-baseline',
  'alignment-baseline', 'baseline-shift', 'letter-spacing', 'word-spacing', 'text-decoration', 'writing-mode',
  'dx', 'dy', 'rotate', 'textLength', 'lengthAdjust', 'startOffset', 'method', 'spacing',
  'offset', 'stop-color', 'stop-opacity', 'gradientUnits', 'gradientTransform', 'spreadMethod',
  'patternUnits', 'patternContentUnits', 'patternTransform', 'clipPathUnits', 'maskUnits', 'maskContentUnits',
  'marker-start', 'marker-mid', 'marker-end', 'markerWidth', 'markerHeight', 'markerUnits', 'refX', 'refY', 'orient',
  'filterUnits', 'primitiveUnits', 'in', 'in2', 'result', 'stdDeviation', 'mode', 'operator', 'radius',
  'k1', 'k2', 'k3', 'k4', 'values', 'type', 'flood-color', 'flood-opacity', 'color-interpolation-filters',
  'shape-rendering', 'text-rendering', 'image-rendering', 'xml:space', 'requiredFeatures', 'systemLanguage',
]);
/** Properties allowed in a style="…" attribute: the presentation attributes, nothing that loads. */
const STYLE_PROPERTIES = new Set([...ATTRIBUTES].filter((a) => /-|^(fill|stroke|opacity|color|display|visibility|overflow|clip|mask|filter)$/.test(a)));
/** Every family name that asks for fixed-width letters; such text is set in the book's code face. */
const MONOSPACE = /mono|courier|consolas|menlo|monaco|code|terminal|fixed/i;

export interface InlineSvgOptions {
  /** The image's alt text: the SVG's accessible name. */
  alt: string;
  /** Size asked for by the Markdown or HTML (width="400", {width=60%}); overrides the file's. */
  width?: string;
  height?: string;
  /** Prefix for every id in the drawing, unique in the document. */
  idPrefix: string;
  /** Classes for the <svg> element. */
  className: string;
}

export interface InlineSvg {
  html: string;
  /** What was removed in a way the author would notice. */
  warnings: string[];
}

/** The SVG file's text as inline markup for the book's HTML (and XHTML). Throws on a file that is not SVG. */
export function inlineSvg(source: string, options: InlineSvgOptions): InlineSvg {
  const doc = parseDocument(source, { xmlMode: true, decodeEntities: true });
  const root = doc.children.find((n): n is Element => n.type === 'tag' && localName(n.name) === 'svg');
  if (!root) throw new Error('the file holds no <svg> element');
  const warnings = new Set<string>();
  const prefix = options.idPrefix;
  const local = (id: string): string => `${prefix}-${id}`;

  /** url(#id) → url(#prefix-id); any other url() makes the value unsafe (undefined). */
  const references = (value: string): string | undefined => {
    if (/javascript:|expression\s*\(|@import/i.test(value)) return undefined;
    let safe = true;
    const out = value.replace(/url\(\s*(['"]?)([^)'"]*)\1\s*\)/gi, (_, _q: string, target: string) => {
      if (!target.startsWith('#')) safe = false;
      return `url(#${local(target.slice(1))})`;
    });
    return safe ? out : undefined;
  };
  const fontClass = (family: string): string | undefined => (MONOSPACE.test(family) ? 'svg-code' : undefined);

  const element = (el: Element, isRoot: boolean): string => {
    const name = el.name;
    const bare = localName(name);
    if (name.includes(':') && !name.startsWith('svg:')) return ''; // editor data (inkscape:, sodipodi:)
    if (REMOVED_VISIBLY[bare]) {
      warnings.add(`${REMOVED_VISIBLY[bare]} was removed`);
      return '';
    }
    if (REMOVED_QUIETLY.has(bare)) return '';
    if (UNWRAPPED.has(bare)) return children(el);
    if (!ELEMENTS.has(bare)) {
      warnings.add(`its <${bare}> element is not drawn in the book and was removed`);
      return '';
    }
    const attrs: [string, string][] = [];
    const classes: string[] = [];
    let href: string | undefined;
    for (const [key, raw] of Object.entries(el.attribs)) {
      const value = raw.trim();
      if (key === 'href' || key === 'xlink:href') {
        if (value.startsWith('#')) href = `#${local(value.slice(1))}`;
        continue;
      }
      if (key === 'font-family') {
        const c = fontClass(value);
        if (c) classes.push(c);
        continue; // the book's face, not the drawing program's
      }
      if (key === 'style') {
        const style = cleanStyle(value, references, (family) => {
          const c = fontClass(family);
          if (c) classes.push(c);
        });
        if (style) attrs.push(['style', style]);
        continue;
      }
      if (key === 'class') {
        classes.push(...value.split(/\s+/).filter(Boolean));
        continue;
      }
      if (!ATTRIBUTES.has(key)) continue;
      if (key === 'id') {
        attrs.push(['id', local(value)]);
        continue;
      }
      const safe = references(value);
      if (safe !== undefined) attrs.push([key, safe]);
    }
    if (bare === 'use' || bare === 'textPath') {
      if (!href) return ''; // it would point outside the file
      attrs.push(['xlink:href', href]);
    }
    if (classes.length) attrs.push(['class', [...new Set(classes)].join(' ')]);
    // The drawing's own <title> gives way to the alt text, which the book requires and checks.
    if (isRoot) return rootElement(attrs, options, el.children.filter((c) => !(c.type === 'tag' && localName(c.name) === 'title')).map(node).join(''));
    const inner = children(el);
    const open = `<${bare}${attrs.map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join('')}`;
    return inner ? `${open}>${inner}</${bare}>` : `${open}/>`;
  };

  const children = (el: Element): string => el.children.map((c) => node(c)).join('');
  const node = (n: ChildNode): string => {
    if (n.type === 'text') return escapeText(n.data);
    if (n.type === 'cdata') return n.children.map((c) => (c.type === 'text' ? escapeText(c.data) : '')).join('');
    if (n.type === 'tag') return element(n, false);
    return ''; // comments, processing instructions
  };

  const titleId = local('title');
  let html = element(root, true);
  // The accessible name first: readers announce the <title> of an svg with role="img".
  html = html.replace(/^(<svg\b[^>]*>)/, `$1<title id="${titleId}">${escapeText(options.alt)}</title>`);
  return { html, warnings: [...warnings] };
}

/** The <svg> element itself: namespaces, role, size, a viewBox so that it can be scaled. */
function rootElement(attrs: [string, string][], options: InlineSvgOptions, inner: string): string {
  const get = (k: string): string | undefined => attrs.find(([a]) => a === k)?.[1];
  const drop = (k: string): void => {
    const i = attrs.findIndex(([a]) => a === k);
    if (i >= 0) attrs.splice(i, 1);
  };
  let width = get('width');
  let height = get('height');
  let viewBox = get('viewBox');
  const px = (v: string | undefined): number | undefined => (v && /^\d+(\.\d+)?(px)?$/.test(v) ? parseFloat(v) : undefined);
  // Without a viewBox a drawing cannot be scaled down to the text block; one in px can get it.
  if (!viewBox && px(width) !== undefined && px(height) !== undefined) viewBox = `0 0 ${px(width)} ${px(height)}`;
  const box = viewBox?.split(/[\s,]+/).map(Number);
  const ratio = box && box.length === 4 && box[2]! > 0 && box[3]! > 0 ? box[3]! / box[2]! : undefined;
  if (!width && !height && box && ratio) {
    width = String(box[2]);
    height = String(box[3]);
  }
  // A size asked for by the author replaces the file's; the other side follows the drawing's shape.
  if (options.width || options.height) {
    const w = options.width ? cssLength(options.width) : undefined;
    const h = options.height ? cssLength(options.height) : undefined;
    width = w;
    height = h;
    const wPx = px(w);
    const hPx = px(h);
    if (ratio && wPx !== undefined && !h) height = String(round(wPx * ratio));
    if (ratio && hPx !== undefined && !w) width = String(round(hPx / ratio));
  }
  const fileStyle = get('style');
  for (const k of ['width', 'height', 'viewBox', 'class', 'id', 'style']) drop(k);
  // The drawing's own size, when the author asked for none, is its natural size, like an <img>'s:
  // a style, not width="…", which would read as a size the author chose (and the layout's check
  // reports those when wider than the page).
  let natural: string | undefined;
  if (!options.width && !options.height && px(width) !== undefined && viewBox) {
    natural = `width:${px(width)}px`;
    width = undefined;
    height = undefined;
  }
  const usesXlink = /\sxlink:href=/.test(inner) || attrs.some(([k]) => k === 'xlink:href');
  const head: [string, string][] = [
    ['xmlns', SVG_NS],
    ...(usesXlink ? ([['xmlns:xlink', XLINK_NS]] as [string, string][]) : []),
    ['class', options.className],
    ['role', 'img'],
    ['aria-labelledby', `${options.idPrefix}-title`],
    ...(width ? ([['width', width]] as [string, string][]) : []),
    ...(height ? ([['height', height]] as [string, string][]) : []),
    ...(viewBox ? ([['viewBox', viewBox]] as [string, string][]) : []),
    ...(natural || fileStyle ? ([['style', [natural, fileStyle].filter(Boolean).join(';')]] as [string, string][]) : []),
  ];
  return `<svg${[...head, ...attrs].map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join('')}>${inner}</svg>`;
}

/** "400" and "400px" → "400"; other lengths (60%, 3in) stay as written. */
function cssLength(value: string): string | undefined {
  const v = value.trim();
  if (/^\d+(\.\d+)?(px)?$/.test(v)) return String(parseFloat(v));
  if (/^\d+(\.\d+)?(%|em|rem|in|cm|mm|pt)$/.test(v)) return v;
  return undefined;
}

function cleanStyle(style: string, references: (v: string) => string | undefined, onFamily: (family: string) => void): string {
  const kept: string[] = [];
  for (const declaration of style.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon < 0) continue;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).trim();
    if (property === 'font-family') {
      onFamily(value);
      continue;
    }
    if (property === 'font') continue; // it would carry a family too
    if (!STYLE_PROPERTIES.has(property)) continue;
    const safe = references(value);
    if (safe !== undefined && value) kept.push(`${property}:${safe}`);
  }
  return kept.join(';');
}

const localName = (name: string): string => (name.startsWith('svg:') ? name.slice(4) : name);
const round = (x: number): number => Math.round(x * 100) / 100;
const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (s: string): string => escapeText(s).replace(/"/g, '&quot;');
