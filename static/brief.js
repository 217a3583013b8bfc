/* brief.js: reference previews and search. Progressive enhancement only:
 * without this script every reference is a plain link, sidenotes open with
 * CSS, and the search box stays hidden (a CSS scripting media query). No
 * dependencies, and nothing loaded from outside the site. */
(function () {
  'use strict';
  var d = document, root = d.body.getAttribute('data-root') || '';

  /* ---------- Reference previews ---------- */

  // One floating box, filled with the card of the reference under the
  // pointer or focus. The cards of the whole site are in previews.js, loaded
  // the first time one is wanted: `wanted` is the reference waiting for them.
  var box = d.createElement('div');
  box.className = 'ref-preview';
  box.id = 'ref-preview';
  box.hidden = true;
  d.body.appendChild(box);
  var current = null, armed = null, wanted = null, loading = false,
    showTimer = 0, hideTimer = 0, pointer = 'mouse';

  function cardOf(a) {
    var cards = window.BRIEF_PREVIEWS;
    if (cards) return cards[a.getAttribute('data-ref')];
    wanted = a;
    if (!loading) {
      loading = true;
      var s = d.createElement('script');
      s.src = root + 'previews.js';
      s.onload = function () { if (wanted) show(wanted); };
      d.head.appendChild(s);
    }
  }

  // A card's links start from the site root; this page's start from its folder.
  function rebase(node) {
    if (!root) return;
    node.querySelectorAll('[href], [src]').forEach(function (el) {
      ['href', 'src'].forEach(function (name) {
        var v = el.getAttribute(name);
        if (v && !/^([a-z][a-z0-9+.-]*:|[#/])/i.test(v)) el.setAttribute(name, root + v);
      });
    });
  }

  function refOf(node) {
    var a = node && node.closest ? node.closest('a.ref[data-ref]') : null;
    return a && !box.contains(a) ? a : null;
  }

  function show(a) {
    var card = cardOf(a);
    clearTimeout(hideTimer);
    clearTimeout(showTimer);
    if (!card) return;
    wanted = null;
    if (current !== a) {
      if (current) current.removeAttribute('aria-describedby');
      box.innerHTML = card;
      rebase(box);
      box.setAttribute('data-ref', a.getAttribute('data-ref'));
      current = a;
      // A tap that waited for previews.js has armed this reference already.
      if (armed !== a) armed = null;
    }
    a.setAttribute('aria-describedby', box.id);
    box.hidden = false;
    place(a);
  }

  function hide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (current) current.removeAttribute('aria-describedby');
    current = armed = wanted = null;
    box.hidden = true;
  }

  // Below the reference, or above it when there is no room below; always
  // inside the viewport, scrolling inside itself if the viewport is short.
  function place(a) {
    var gap = 6, edge = 8, vw = d.documentElement.clientWidth, vh = window.innerHeight;
    var rects = a.getClientRects(), r = rects[0] || a.getBoundingClientRect(), last = rects[rects.length - 1] || r;
    box.style.maxHeight = '';
    box.style.left = '0px';
    box.style.top = '0px';
    var w = box.offsetWidth, h = box.offsetHeight;
    var left = Math.max(edge, Math.min(r.left, vw - w - edge));
    var below = vh - last.bottom - gap - edge, above = r.top - gap - edge, top;
    if (h <= below || below >= above) {
      top = last.bottom + gap;
      if (h > below) box.style.maxHeight = Math.max(below, 80) + 'px';
    } else {
      if (h > above) box.style.maxHeight = above + 'px';
      top = r.top - gap - Math.min(h, above);
    }
    box.style.left = left + window.scrollX + 'px';
    box.style.top = top + window.scrollY + 'px';
  }

  d.addEventListener('pointerdown', function (e) { pointer = e.pointerType; }, true);

  d.addEventListener('pointerover', function (e) {
    if (e.pointerType !== 'mouse') return;
    var a = refOf(e.target);
    if (a) {
      clearTimeout(showTimer);
      clearTimeout(hideTimer);
      showTimer = setTimeout(function () { show(a); }, 120);
    } else if (box.contains(e.target)) {
      clearTimeout(hideTimer);
    }
  });

  d.addEventListener('pointerout', function (e) {
    if (e.pointerType !== 'mouse') return;
    if (refOf(e.target) || box.contains(e.target)) {
      clearTimeout(showTimer);
      if (refOf(e.target) === wanted) wanted = null;
      if (!box.hidden && d.activeElement !== current) hideTimer = setTimeout(hide, 300);
    }
  });

  d.addEventListener('focusin', function (e) {
    var a = refOf(e.target);
    if (a) show(a);
    else if (!box.contains(e.target)) hide();
  });

  // On touch screens the first tap on a reference previews it; a second tap,
  // or the link in the card, follows it.
  d.addEventListener('click', function (e) {
    var a = refOf(e.target);
    if (a && pointer === 'touch' && armed !== a) {
      e.preventDefault();
      show(a);
      armed = a;
    } else if (!a && !box.contains(e.target)) {
      hide();
    }
  });

  d.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && !box.hidden) hide();
  });

  window.addEventListener('resize', function () { if (current) place(current); });

  /* ---------- Search ---------- */

  var input = d.getElementById('search-input'),
    list = d.getElementById('search-results'),
    status = d.getElementById('search-status'),
    kinds = { section: 'Section', party: 'Party', clause: 'Clause', quote: 'Quote', event: 'Event' },
    entries = null;
  if (!input || !list) return;

  function norm(s) {
    return (s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }

  function index() {
    if (!entries) {
      entries = (window.BRIEF_SEARCH || []).map(function (e) {
        return { e: e, t: norm(e.t), a: (e.a || []).map(norm), w: norm(e.w + ' ' + (e.l || '')) };
      });
    }
    return entries;
  }

  // Where `t` occurs in `s`: 4 at the start of a word, 3 inside one, else 0.
  function at(s, t) {
    var i = s.indexOf(t);
    return i < 0 ? 0 : i === 0 || /[^a-z0-9]/.test(s[i - 1]) ? 4 : 3;
  }

  // Every word of the query must occur. The name or an alias counts more than
  // the other words, and the whole query being the name or an alias most.
  function search(q) {
    var whole = norm(q).trim(), terms = whole.split(/\s+/).filter(Boolean), hits = [];
    if (!terms.length) return hits;
    index().forEach(function (x, order) {
      var names = [x.t].concat(x.a), score = names.indexOf(whole) >= 0 ? 10 : 0;
      for (var i = 0; i < terms.length; i++) {
        var s = Math.max.apply(null, names.map(function (n) { return at(n, terms[i]); })) || (x.w.indexOf(terms[i]) >= 0 ? 1 : 0);
        if (!s) return;
        score += s;
      }
      hits.push({ s: score, o: order, e: x.e });
    });
    hits.sort(function (a, b) { return b.s - a.s || a.o - b.o; });
    return hits.slice(0, 12).map(function (h) { return h.e; });
  }

  function render() {
    var q = input.value.trim(), found = search(q);
    list.textContent = '';
    found.forEach(function (e) {
      var li = d.createElement('li'), a = d.createElement('a'), k = d.createElement('span');
      a.href = root + e.u;
      k.className = 'search-kind';
      k.textContent = kinds[e.k] || e.k;
      a.appendChild(k);
      a.appendChild(d.createTextNode(e.t));
      li.appendChild(a);
      list.appendChild(li);
    });
    if (q && !found.length) {
      var none = d.createElement('li');
      none.className = 'search-none';
      none.textContent = 'Nothing matches \u201c' + q + '\u201d';
      list.appendChild(none);
    }
    list.hidden = !q;
    status.textContent = q ? found.length + (found.length === 1 ? ' result' : ' results') : '';
  }

  function links() { return Array.prototype.slice.call(list.querySelectorAll('a')); }

  function close() { list.hidden = true; }

  input.addEventListener('input', render);
  input.addEventListener('focus', function () { if (input.value.trim()) render(); });

  input.addEventListener('keydown', function (e) {
    var all = links();
    if (e.key === 'ArrowDown' && all.length) {
      e.preventDefault();
      list.hidden = false;
      all[0].focus();
    } else if (e.key === 'Enter' && all.length) {
      e.preventDefault();
      window.location.href = all[0].href;
    } else if (e.key === 'Escape') {
      if (!list.hidden) e.stopPropagation();
      close();
    }
  });

  list.addEventListener('keydown', function (e) {
    var all = links(), i = all.indexOf(d.activeElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      i += e.key === 'ArrowDown' ? 1 : -1;
      if (i < 0) input.focus();
      else all[Math.min(i, all.length - 1)].focus();
    } else if (e.key === 'Escape') {
      input.focus();
      close();
    }
  });

  d.addEventListener('click', function (e) {
    if (!e.target.closest || !e.target.closest('.search')) close();
  });
  input.parentNode.addEventListener('focusout', function (e) {
    if (!e.relatedTarget || !input.parentNode.contains(e.relatedTarget)) close();
  });
})();
