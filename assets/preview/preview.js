// The preview page: shows the laid-out pages of the screen PDF with pdf.js (a canvas and a
// selectable text layer per page), the contents, the EPUB's text of the chapter in view, the
// warnings, and the last build's errors over the last good pages. The server says "something
// changed" by server-sent events; the page then asks for the new state, fetches only the parts
// whose PDF changed, redraws only those pages, and keeps the reader where they were.
import * as pdfjs from '/pdfjs/legacy/build/pdf.min.mjs';

pdfjs.GlobalWorkerOptions.workerSrc = '/pdfjs/legacy/build/pdf.worker.min.mjs';

const PX_PER_PT = 96 / 72;
const $ = (id) => document.getElementById(id);
const viewport = $('viewport');
const pagesEl = $('pages');

const settings = {
  view: 'pages',
  layout: localStorage.getItem('preview.layout') || 'single',
  zoom: Number(localStorage.getItem('preview.zoom') || 1),
};

let state = { version: -1 };
/** Slot id → { el, slot }; a slot is one page of the screen PDF (cover, part page or blank). */
let slots = new Map();
let order = [];
const visible = new Set();
const documents = new Map();
// One worker for every part's document: pdf.js would otherwise start (and compile) a new one for
// each part fetched after an edit.
const worker = new pdfjs.PDFWorker();

function pdf(url) {
  if (!documents.has(url)) {
    const task = pdfjs.getDocument({ url, worker, standardFontDataUrl: '/pdfjs/standard_fonts/', wasmUrl: '/pdfjs/wasm/', isEvalSupported: false });
    documents.set(url, task.promise);
  }
  return documents.get(url);
}

// ---- state from the server -------------------------------------------------------------

let refreshing = Promise.resolve();
function refresh() {
  refreshing = refreshing.then(load, load);
  return refreshing;
}

async function load() {
  const response = await fetch('/state.json', { cache: 'no-store' });
  const next = await response.json();
  if (next.version <= state.version) return;
  const before = state;
  state = next;
  document.title = `${next.title} — preview`;
  $('title').textContent = next.title;
  showStatus(next);
  showErrors(next);
  showWarnings(next);
  showDownloads(next);
  performance.mark(`preview:state:${next.version}`);
  if (next.pages && JSON.stringify(next.pages) !== JSON.stringify(before.pages)) {
    showPages(next.pages);
    showContents(next.pages);
  }
  $('empty').hidden = Boolean(next.pages) || Boolean(next.errors);
  if (next.epubVersion !== before.epubVersion && settings.view === 'epub') showEpub(true);
}

function showStatus(s) {
  const status = $('status');
  status.className = s.building ? 'building' : s.errors || s.internalError ? 'error' : '';
  if (s.building && s.phase === 'outputs') {
    status.textContent = `Pages up to date (in ${(s.timings.pages / 1000).toFixed(2)} s); making the PDFs and the EPUB…`;
  } else if (s.building) {
    status.textContent = `Building${s.changed.length ? ` after a change to ${s.changed.slice(0, 3).join(', ')}` : ''}…`;
  } else if (s.errors) {
    status.textContent = `${s.errors.length} error${s.errors.length === 1 ? '' : 's'}: the pages shown are from the last build that worked`;
  } else if (s.internalError) {
    status.textContent = 'The builder failed (see the terminal)';
  } else if (s.pages) {
    const t = s.timings;
    const relaid = s.relaid ? ` (${s.relaid.printed} of ${s.relaid.parts} parts laid out)` : '';
    status.textContent = `Up to date${t.pages ? ` · pages in ${(t.pages / 1000).toFixed(2)} s${relaid}` : ''}${t.build ? ` · all outputs in ${(t.build / 1000).toFixed(1)} s` : ''}`;
  }
}

function showErrors(s) {
  const box = $('errors');
  document.body.classList.toggle('has-errors', Boolean(s.errors || s.internalError));
  if (!s.errors && !s.internalError) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const heading = document.createElement('h2');
  heading.textContent = s.errors ? `The book did not build: ${s.errors.length} error${s.errors.length === 1 ? '' : 's'}` : 'The builder failed';
  const note = document.createElement('p');
  note.className = 'note';
  note.textContent = s.pages ? 'The pages underneath are from the last build that worked. Save a fix and this goes away.' : 'Save a fix and the pages appear.';
  const items = (s.errors || []).map((e) => {
    const article = document.createElement('article');
    const summary = document.createElement('p');
    summary.className = 'summary';
    summary.textContent = `error: ${e.summary}`;
    article.append(summary);
    if (e.excerpt && e.line) {
      const pre = document.createElement('pre');
      const number = String(e.line);
      const gutter = (t) => Object.assign(document.createElement('span'), { className: 'gutter', textContent: t });
      const caret = Object.assign(document.createElement('span'), { className: 'caret', textContent: '^'.repeat(Math.max(1, e.excerpt.length)) });
      pre.append(gutter(`${number} | `), e.excerpt.text, '\n', gutter(`${' '.repeat(number.length)} | `), ' '.repeat(e.excerpt.column - 1), caret);
      article.append(pre);
    }
    if (e.hint) {
      const hint = document.createElement('p');
      hint.className = 'hint';
      hint.append(Object.assign(document.createElement('strong'), { textContent: 'fix: ' }), e.hint);
      article.append(hint);
    }
    return article;
  });
  if (s.internalError) {
    const pre = document.createElement('pre');
    pre.textContent = s.internalError;
    items.push(pre);
  }
  box.replaceChildren(heading, note, ...items);
  box.hidden = false;
}

function showWarnings(s) {
  const count = $('warning-count');
  count.textContent = String(s.warnings.length);
  count.classList.toggle('none', s.warnings.length === 0);
  $('warnings').replaceChildren(...s.warnings.map((w) => Object.assign(document.createElement('li'), { textContent: w })));
}

function showDownloads(s) {
  const links = s.outputs.map((o) => Object.assign(document.createElement('a'), { href: o.url, textContent: o.name.replace(/^.*?(-print|-cover)?\.(pdf|epub)$/, (_, k, ext) => (k ? k.slice(1) : ext).toUpperCase()), title: `${o.name}, ${Math.round(o.bytes / 1024)} KiB` }));
  $('downloads').replaceChildren(...links);
}

// ---- pages -----------------------------------------------------------------------------

/** The screen PDF's pages in order: the cover, then each part's pages with the blank versos assembly adds. */
function slotList(pages) {
  const list = [];
  if (pages.cover) list.push({ id: 'cover', kind: 'cover', url: pages.cover, page: 0, label: 'Cover' });
  for (const part of pages.parts) {
    if (part.blankBefore) list.push({ id: `blank:${part.key}`, kind: 'blank', label: '' });
    for (let k = 0; k < part.pageCount; k++) {
      list.push({ id: `${part.key}:${k}`, kind: 'page', url: part.url, page: k, part: part.key, label: part.folios[k] });
    }
  }
  if (pages.blankAfter) list.push({ id: 'blank:end', kind: 'blank', label: '' });
  return list;
}

/** The page at the top of the view, and how far it is scrolled past, to come back to after a change. */
function anchor() {
  const top = viewport.getBoundingClientRect().top;
  for (const id of order) {
    const { el } = slots.get(id);
    const box = el.getBoundingClientRect();
    if (box.bottom > top) return { id, offset: box.top - top, part: slots.get(id).slot.part, page: slots.get(id).slot.page };
  }
  return undefined;
}

function restore(place) {
  if (!place) return;
  let target = slots.get(place.id);
  if (!target && place.part) {
    // The page is gone (the part got shorter): its part's last page.
    const ofPart = order.filter((id) => slots.get(id).slot.part === place.part);
    target = slots.get(ofPart[ofPart.length - 1]);
  }
  if (!target) return;
  const top = viewport.getBoundingClientRect().top;
  viewport.scrollTop += target.el.getBoundingClientRect().top - top - place.offset;
}

function sheetSize(pages) {
  return { width: pages.width * PX_PER_PT * settings.zoom, height: pages.height * PX_PER_PT * settings.zoom };
}

function showPages(pages) {
  const place = anchor();
  const list = slotList(pages);
  const size = sheetSize(pages);
  const next = new Map();
  let interior = 0;
  for (const slot of list) {
    let entry = slots.get(slot.id);
    if (!entry) {
      const el = document.createElement('div');
      el.className = `slot ${slot.kind}`;
      el.dataset.id = slot.id;
      const sheet = document.createElement('div');
      sheet.className = 'sheet';
      const label = document.createElement('div');
      label.className = 'label';
      el.append(sheet, label);
      entry = { el, slot, rendered: undefined };
      observer.observe(el);
    }
    entry.slot = slot;
    entry.el.querySelector('.label').textContent = slot.label;
    const sheet = entry.el.querySelector('.sheet');
    sheet.style.width = `${size.width}px`;
    sheet.style.height = `${size.height}px`;
    entry.el.classList.toggle('stale', slot.kind !== 'blank' && entry.rendered !== undefined && entry.rendered !== drawKey(slot));
    // In spreads, the first interior page is a recto (right), then versos left and rectos right.
    if (slot.kind !== 'cover') {
      entry.el.style.gridColumn = settings.layout === 'spreads' ? String(interior % 2 === 0 ? 2 : 1) : '';
      interior++;
    }
    next.set(slot.id, entry);
  }
  for (const [id, entry] of slots) {
    if (!next.has(id)) {
      observer.unobserve(entry.el);
      visible.delete(entry.el);
      entry.el.remove();
    }
  }
  slots = next;
  order = list.map((s) => s.id);
  pagesEl.replaceChildren(...order.map((id) => slots.get(id).el));
  restore(place);
  // Documents no longer shown are let go.
  const urls = new Set(list.map((s) => s.url).filter(Boolean));
  for (const [url, doc] of documents) {
    if (!urls.has(url)) {
      documents.delete(url);
      doc.then((d) => d.destroy()).catch(() => undefined);
    }
  }
  drawVisible();
}

async function draw(entry) {
  const { slot, el } = entry;
  if (slot.kind === 'blank') return;
  const key = drawKey(slot);
  if (entry.rendered === key || entry.drawing === key) return;
  entry.drawing = key;
  try {
    performance.mark(`preview:draw:${slot.id}`);
    const doc = await pdf(slot.url);
    const page = await doc.getPage(slot.page + 1);
    performance.mark(`preview:parsed:${slot.id}`);
    const scale = settings.zoom * PX_PER_PT;
    const view = page.getViewport({ scale });
    // The text is asked for now, so that the worker finds it while the canvas is painted.
    const textContentSource = page.streamTextContent();
    const ratio = window.devicePixelRatio || 1;
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(view.width * ratio);
    canvas.height = Math.floor(view.height * ratio);
    await page.render({ canvasContext: canvas.getContext('2d'), canvas, viewport: view, transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0] }).promise;
    const text = document.createElement('div');
    text.className = 'textLayer';
    const layer = new pdfjs.TextLayer({ textContentSource, container: text, viewport: view });
    await layer.render();
    const links = linkLayer(await page.getAnnotations({ intent: 'display' }), view);
    if (entry.drawing !== key) return; // a newer version of this page is on its way
    const sheet = el.querySelector('.sheet');
    sheet.style.setProperty('--scale-factor', String(scale));
    sheet.style.setProperty('--total-scale-factor', String(scale));
    sheet.replaceChildren(canvas, text, links);
    performance.mark(`preview:drawn:${slot.id}`);
    entry.rendered = key;
    el.classList.remove('stale');
  } catch (e) {
    // A part replaced while it was being drawn: the newer one is drawn instead.
    if (!String(e && e.message).includes('destroyed')) console.warn('preview: could not draw a page', e);
  } finally {
    if (entry.drawing === key) entry.drawing = undefined;
  }
}

/**
 * The page's links, over its text: a web address opens in a new tab; a link into the book goes to
 * its target's page. Chromium writes a link within a part as a named destination and one to
 * another part as a file URI with the target's id after the "#".
 */
function linkLayer(annotations, view) {
  const layer = document.createElement('div');
  layer.className = 'links';
  for (const a of annotations) {
    if (a.subtype !== 'Link') continue;
    let id;
    if (typeof a.dest === 'string') id = a.dest;
    else if (!a.url && typeof a.unsafeUrl === 'string' && a.unsafeUrl.startsWith('file:')) id = decodeURIComponent(new URL(a.unsafeUrl).hash.slice(1));
    if (!a.url && !id) continue;
    const [x1, y1, x2, y2] = view.convertToViewportRectangle(a.rect);
    const link = document.createElement('a');
    Object.assign(link.style, { left: `${Math.min(x1, x2)}px`, top: `${Math.min(y1, y2)}px`, width: `${Math.abs(x2 - x1)}px`, height: `${Math.abs(y2 - y1)}px` });
    if (a.url) {
      link.href = a.url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.title = a.url;
    } else {
      link.href = `#${id}`;
      link.addEventListener('click', (event) => {
        event.preventDefault();
        follow(id);
      });
    }
    layer.append(link);
  }
  return layer;
}

/** Scrolls to the element with `id`: its page, at its height on the page. */
async function follow(id) {
  const response = await fetch(`/anchor?id=${encodeURIComponent(id)}`, { cache: 'no-store' });
  if (!response.ok) return;
  const { part, page, y } = await response.json();
  if (state.pages) goTo(part, page, (state.pages.height - y) * PX_PER_PT * settings.zoom);
}

/** Draws the pages near the view that are not drawn as they are now, the ones on screen first. */
let drawing = false;
async function drawVisible() {
  if (drawing) {
    drawing = 'again';
    return;
  }
  drawing = true;
  try {
    do {
      if (drawing === 'again') drawing = true;
      // On screen first, top to bottom; then the ones just off it, nearest first.
      const view = viewport.getBoundingClientRect();
      const distance = (el) => {
        const box = el.getBoundingClientRect();
        if (box.bottom > view.top && box.top < view.bottom) return box.top - view.top - 1e6;
        return box.top >= view.bottom ? box.top - view.bottom : view.top - box.bottom;
      };
      const waiting = [...visible].map((el) => slots.get(el.dataset.id)).filter((e) => e && e.slot.kind !== 'blank' && e.rendered !== drawKey(e.slot));
      waiting.sort((a, b) => distance(a.el) - distance(b.el));
      for (const entry of waiting) await draw(entry);
    } while (drawing === 'again');
  } finally {
    drawing = false;
  }
  // Tells the preview that what this page shows is drawn: the rest of the build may go on.
  if (state.version > acknowledged) {
    acknowledged = state.version;
    fetch(`/drawn?version=${state.version}`, { method: 'POST' }).catch(() => undefined);
  }
}
let acknowledged = -1;

const drawKey = (slot) => `${slot.url}#${slot.page}@${settings.zoom}`;

const observer = new IntersectionObserver(
  (records) => {
    for (const r of records) {
      if (r.isIntersecting) visible.add(r.target);
      else visible.delete(r.target);
    }
    drawVisible();
    markCurrent();
  },
  { root: viewport, rootMargin: '600px 0px' },
);

// ---- contents and the chapter in view --------------------------------------------------

function showContents(pages) {
  // The half-title repeats the title page's words: one entry for the two.
  const items = pages.parts.filter((part) => part.role !== 'half-title').map((part) => {
    const li = document.createElement('li');
    li.className = part.role === 'section' ? 'role-section' : 'role-front';
    const a = document.createElement('a');
    a.href = `#${part.key}`;
    a.textContent = part.title;
    a.dataset.part = part.key;
    a.addEventListener('click', (event) => {
      event.preventDefault();
      goTo(part.key);
    });
    li.append(a);
    return li;
  });
  $('toc').replaceChildren(...items);
  markCurrent();
}

/** Scrolls page `page` of a part to the top of the view, `below` pixels down that page (its first page's top: the contents). */
function goTo(partKey, page = 0, below = 0) {
  const entry = slots.get(`${partKey}:${page}`);
  if (!entry) return;
  viewport.scrollTop += entry.el.getBoundingClientRect().top + below - viewport.getBoundingClientRect().top - 16;
  current = partKey;
  markCurrent(true);
  if (settings.view === 'epub') showEpub();
}

let current;
function markCurrent(keep) {
  if (!keep) {
    const place = anchor();
    if (place?.part) current = place.part;
  }
  for (const a of $('toc').querySelectorAll('a')) a.setAttribute('aria-current', String(a.dataset.part === current));
}
viewport.addEventListener('scroll', () => markCurrent(), { passive: true });

function showEpub(reload) {
  const frame = $('epub-frame');
  const part = state.pages?.parts.find((p) => p.key === current) || state.pages?.parts.find((p) => p.sectionId);
  const href = part?.sectionId && state.epub ? state.epub[part.sectionId] : undefined;
  const src = href ? `${href}?v=${state.version}` : 'about:blank';
  if (reload || !frame.src.includes(href || 'about:blank')) frame.src = src;
}

// ---- controls --------------------------------------------------------------------------

function press(attr, value) {
  for (const b of document.querySelectorAll(`[data-${attr}]`)) b.setAttribute('aria-pressed', String(b.dataset[attr] === value));
}

for (const b of document.querySelectorAll('[data-view]')) {
  b.addEventListener('click', () => {
    settings.view = b.dataset.view;
    press('view', settings.view);
    $('pages').hidden = settings.view !== 'pages';
    $('epub').hidden = settings.view !== 'epub';
    if (settings.view === 'epub') showEpub(true);
  });
}
for (const b of document.querySelectorAll('[data-layout]')) {
  b.addEventListener('click', () => {
    settings.layout = b.dataset.layout;
    localStorage.setItem('preview.layout', settings.layout);
    applyLayout();
  });
}
$('zoom').value = String(settings.zoom);
$('zoom').addEventListener('change', () => {
  settings.zoom = Number($('zoom').value);
  localStorage.setItem('preview.zoom', String(settings.zoom));
  if (state.pages) showPages(state.pages);
});

function applyLayout() {
  press('layout', settings.layout);
  pagesEl.className = `pages ${settings.layout}`;
  if (state.pages) showPages(state.pages);
}
applyLayout();

// ---- changes from the server -----------------------------------------------------------

const events = new EventSource('/events');
events.addEventListener('state', (event) => {
  const { version } = JSON.parse(event.data);
  performance.mark(`preview:event:${version}`);
  if (version > state.version) refresh();
});
events.addEventListener('error', () => {
  $('status').textContent = 'Reconnecting to the preview…';
});
refresh();
