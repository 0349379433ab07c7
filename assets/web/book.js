/*
 * The web edition's one script, loaded with `defer` on every page; the pages read and link
 * without it. It adds: the arrow keys between sections, closing a note's pop-up with Escape (and
 * returning to the exact place it was opened from), and the search page, which loads the index
 * (a classic script: file:// refuses fetch, modules and WebAssembly) only when there is a query.
 */
(function () {
  'use strict';

  /** Whether a key press belongs to what has the focus (typing, a list, a box that scrolls). */
  function ownedByFocus(event) {
    var t = event.target;
    if (!(t instanceof Element)) return false;
    if (t.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return true;
    var box = t.closest('.table-wrap, pre, .equation');
    return Boolean(box && box.scrollWidth > box.clientWidth);
  }

  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key === 'Escape' && openNote()) {
      event.preventDefault();
      closeNote();
      return;
    }
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    if (ownedByFocus(event)) return;
    var link = document.querySelector(event.key === 'ArrowLeft' ? 'link[rel="prev"]' : 'link[rel="next"]');
    if (link) {
      event.preventDefault();
      window.location.href = link.href;
    }
  });

  /* Notes: the CSS shows the note in the address's fragment as a pop-up. Opened from its
     reference on this page, going back in history returns to the very scroll position. */
  var openedFrom = null;
  function openNote() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var note = id && document.getElementById(id);
    return note && note.classList.contains('note') ? note : null;
  }
  function closeNote() {
    var note = openNote();
    if (!note) return;
    if (openedFrom === note.id) {
      openedFrom = null;
      history.back();
    } else {
      var back = note.querySelector('.note-back');
      if (back) window.location.hash = back.getAttribute('href');
    }
  }
  document.addEventListener('click', function (event) {
    var a = event.target instanceof Element ? event.target.closest('a') : null;
    if (!a) return;
    var href = a.getAttribute('href') || '';
    if (a.classList.contains('noteref') && href.charAt(0) === '#') {
      openedFrom = decodeURIComponent(href.slice(1));
    } else if (a.classList.contains('note-back') && openedFrom) {
      event.preventDefault();
      closeNote();
    }
  });
  window.addEventListener('hashchange', function () {
    var note = openNote();
    if (!note) openedFrom = null;
    else if (note.getBoundingClientRect().top >= 0) note.focus({ preventScroll: true });
  });

  /* The search page. */
  var results = document.getElementById('search-results');
  if (!results) return;
  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status');
  var engine = null;
  var loading = null;

  /** Loads a classic script next to this one (assets/), once. */
  function load(name) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = name;
      script.onload = resolve;
      script.onerror = function () { reject(new Error('cannot load ' + name)); };
      document.head.appendChild(script);
    });
  }
  var here = document.querySelector('script[src$="book.js"]');
  function asset(name) { return here ? here.src.replace(/book\.js(\?.*)?$/, name) : 'assets/' + name; }

  function ready() {
    if (!loading) {
      loading = load(asset('minisearch.js'))
        .then(function () { return load(asset('search-index.js')); })
        .then(function () {
          var data = window.BOOK_SEARCH;
          engine = { search: window.MiniSearch.loadJS(data.index, data.options), documents: data.documents };
          return engine;
        });
    }
    return loading;
  }

  function snippet(text, terms) {
    var lower = text.toLowerCase();
    var at = -1;
    var term = '';
    for (var k = 0; k < terms.length; k++) {
      var i = lower.indexOf(terms[k].toLowerCase());
      if (i >= 0 && (at < 0 || i < at)) { at = i; term = terms[k]; }
    }
    var p = document.createElement('p');
    p.className = 'search-snippet';
    if (at < 0) { p.textContent = text.slice(0, 200) + (text.length > 200 ? '…' : ''); return p; }
    var start = Math.max(0, text.lastIndexOf(' ', Math.max(0, at - 80)) + 1);
    var end = Math.min(text.length, at + term.length + 120);
    var space = text.indexOf(' ', end);
    if (space > 0 && space - end < 20) end = space;
    p.append((start > 0 ? '…' : '') + text.slice(start, at));
    var mark = document.createElement('mark');
    mark.textContent = text.slice(at, at + term.length);
    p.append(mark, text.slice(at + term.length, end) + (end < text.length ? '…' : ''));
    return p;
  }

  function show(query) {
    results.textContent = '';
    status.textContent = '';
    if (!query.trim()) return;
    ready().then(function (e) {
      if (input.value.trim() !== query.trim()) return; // typed on since
      var found = e.search.search(query, { prefix: true, fuzzy: 0.2, combineWith: 'AND', boost: { h: 2 } }).slice(0, 50);
      results.textContent = '';
      if (found.length === 0) { status.textContent = status.getAttribute('data-none') + ' “' + query + '”'; return; }
      status.textContent = '';
      found.forEach(function (hit) {
        var doc = e.documents[hit.id];
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = doc.u;
        a.className = 'search-hit';
        var where = document.createElement('span');
        where.className = 'search-section';
        where.textContent = doc.s;
        a.append(where);
        if (doc.h && doc.h !== doc.s) {
          var heading = document.createElement('span');
          heading.className = 'search-heading';
          heading.textContent = doc.h;
          a.append(' › ', heading);
        }
        li.append(a, snippet(doc.x, hit.terms));
        results.append(li);
      });
    }, function (error) {
      status.textContent = String(error.message || error);
    });
  }

  var query = new URLSearchParams(window.location.search).get('q') || '';
  input.value = query;
  if (query) show(query);
  var timer = 0;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(input.value); }, 120);
  });
  input.form.addEventListener('submit', function (event) {
    event.preventDefault();
    show(input.value);
    try { history.replaceState(null, '', '?q=' + encodeURIComponent(input.value)); } catch (_) { /* file:// may refuse */ }
  });
})();
