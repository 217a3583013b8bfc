#!/usr/bin/env node
// Browser checks for a built brief site, in headless Chromium:
//   accessibility (axe-core, light and dark), HTML validity (Nu HTML checker),
//   layout at 390 and 1280 px with screenshots, the time axis (labels apart,
//   links, titles, contrast), reference previews (hover,
//   keyboard, Escape, touch, viewport), sidenotes, search (alias, "Bedrock",
//   keyboard, file://), pages without JavaScript, and no request leaving the
//   page's own origin.
//
// Usage: node check.mjs SITE_DIR
// Env:   CHROMIUM   browser binary (default /usr/bin/chromium)
//        ARTIFACTS  screenshot folder (default tests/artifacts next to this folder)
//        JAVA       java binary (default: java on PATH)
//        SKIP       comma-separated step names to skip (e.g. axe-core,layout)
// Exit:  0 all checks pass; 1 a check failed; 2 usage or setup problem.
//
// The expectations about content (an alias, "Bedrock") are those of the
// briefing shipped with brief; the rest holds for any site.

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const AXE = require.resolve('axe-core/axe.min.js');
const VNU = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build/dist/vnu.jar');
const ARTIFACTS = path.resolve(process.env.ARTIFACTS || path.join(HERE, '..', 'artifacts'));
const JS_BUDGET = 10 * 1024;

const site = process.argv[2] && path.resolve(process.argv[2]);
if (!site || !fs.existsSync(path.join(site, 'index.html'))) {
  console.error('usage: node check.mjs SITE_DIR   (a built site: SITE_DIR/index.html must exist)');
  process.exit(2);
}

/* ---------- Reporting ---------- */

const failures = [];
let passed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failures.push(`${name}${detail ? `: ${detail}` : ''}`);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail ? ` — ${detail}` : ''}`);
  return ok;
}
// SKIP=axe-core,layout skips steps by name, for quick runs while editing the theme.
const skipped = (process.env.SKIP || '').split(',').filter(Boolean);
async function step(name, fn) {
  if (skipped.some((s) => name.startsWith(s))) return console.log(`skip ${name}`);
  try {
    await fn();
  } catch (err) {
    check(name, false, String(err && err.stack || err).split('\n').slice(0, 4).join(' | '));
  }
}

/* ---------- The site: files and a local server ---------- */

function walk(dir, ext) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, ext) : p.endsWith(ext) ? [p] : [];
  }).sort();
}
const rel = (p) => path.relative(site, p).split(path.sep).join('/');
const pages = walk(site, '.html').map(rel);
const graph = JSON.parse(fs.readFileSync(path.join(site, 'graph.json'), 'utf8'));
const entities = graph.entities;
const firstOf = (kind) => entities.find((e) => e.kind === kind);

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};
const server = http.createServer((req, res) => {
  let file;
  try {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    file = path.join(site, p.endsWith('/') ? p + 'index.html' : p);
  } catch {
    file = null;
  }
  const inside = file && (file === site || file.startsWith(site + path.sep));
  if (!inside || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': TYPES['.html'] });
    res.end(fs.readFileSync(path.join(site, '404.html')));
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;
const http_ = (p) => `${origin}/${p}`;
const file_ = (p) => pathToFileURL(path.join(site, p)).href;
const siteFileUrl = pathToFileURL(site).href;

/* ---------- Browser, with every request checked ---------- */

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const foreign = [];
// A request is ours when it goes to the local server or to a file of the site.
const ours = (url) => url.startsWith(origin + '/') || url.startsWith(siteFileUrl + '/') || url.startsWith('data:') || url === 'about:blank';
async function context(options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (ours(url)) return route.continue();
    foreign.push(url);
    return route.abort('blockedbyclient');
  });
  ctx.on('request', (r) => { if (!ours(r.url())) foreign.push(r.url()); });
  ctx.on('weberror', (e) => check('no script errors', false, String(e.error())));
  return ctx;
}

const sample = {
  front: 'index.html',
  section: firstOf('section').href,
  party: firstOf('party') && firstOf('party').href,
  clause: firstOf('clause') && firstOf('clause').href,
  quote: firstOf('quote') && firstOf('quote').href,
  event: firstOf('event') && firstOf('event').href,
  timeline: 'timeline.html',
  parties: 'parties/index.html',
  clauses: 'clauses/index.html',
  quotes: 'quotes/index.html',
  print: 'print.html',
  notfound: '404.html',
};
// The section with the most sidenotes shows them off best.
const sidenoteCount = (p) => (fs.readFileSync(path.join(site, p), 'utf8').match(/class="sidenote"/g) || []).length;
const sections = entities.filter((e) => e.kind === 'section').map((e) => e.href);
const noteSection = sections.slice().sort((a, b) => sidenoteCount(b) - sidenoteCount(a))[0];

/* ---------- 1. Static facts ---------- */

await step('static files', async () => {
  const js = fs.statSync(path.join(site, 'brief.js')).size;
  check(`brief.js is under ${JS_BUDGET} bytes`, js < JS_BUDGET, `${js} bytes`);
  console.log(`     brief.js: ${js} bytes, brief.css: ${fs.statSync(path.join(site, 'brief.css')).size} bytes`);
  const html = pages.map((p) => fs.readFileSync(path.join(site, p), 'utf8')).join('\n');
  check('no page loads a third-party script or stylesheet', !/<(script|link)[^>]+(src|href)="(https?:)?\/\//.test(html));
  check('search-index.js assigns window.BRIEF_SEARCH', /^window\.BRIEF_SEARCH = \[/.test(fs.readFileSync(path.join(site, 'search-index.js'), 'utf8')));
});

/* ---------- 2. Nu HTML checker ---------- */

await step('Nu HTML checker', async () => {
  const java = process.env.JAVA || 'java';
  const run = (args) => spawnSync(java, ['-jar', VNU, '--format', 'json', '--stdout', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const messages = (r) => {
    try { return JSON.parse(r.stdout || '{"messages":[]}').messages; } catch { return [{ type: 'error', message: `unreadable output: ${r.stdout} ${r.stderr}` }]; }
  };
  const htmlRun = run(['--skip-non-html', site]);
  const errors = messages(htmlRun).filter((m) => m.type === 'error' || m.type === 'non-document-error');
  for (const e of errors.slice(0, 20)) console.log(`     ${e.url ? rel(fileURLToPath(e.url)) : ''}:${e.lastLine || ''} ${e.message}`);
  check(`vnu: zero HTML errors in ${pages.length} pages`, htmlRun.status !== null && errors.length === 0, `${errors.length} error(s)`);
  const css = walk(site, '.css');
  const cssErrors = messages(run(['--css', ...css])).filter((m) => m.type === 'error');
  for (const e of cssErrors.slice(0, 10)) console.log(`     ${e.url ? rel(fileURLToPath(e.url)) : ''}:${e.lastLine || ''} ${e.message}`);
  check(`vnu: zero CSS errors in ${css.length} stylesheets`, cssErrors.length === 0, `${cssErrors.length} error(s)`);
});

/* ---------- 3. axe-core on every page, light and dark ---------- */

await step('axe-core', async () => {
  for (const scheme of ['light', 'dark']) {
    const ctx = await context({ colorScheme: scheme });
    const page = await ctx.newPage();
    let total = 0;
    for (const p of pages) {
      const resp = await page.goto(http_(p));
      if (p !== '404.html') check(`HTTP 200 ${p}`, resp && resp.ok(), resp && String(resp.status()));
      await page.addScriptTag({ path: AXE });
      const res = await page.evaluate(() => window.axe.run(document));
      total += res.violations.length;
      for (const v of res.violations) {
        console.log(`     [${scheme}] ${p}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      }
    }
    check(`axe: zero violations on ${pages.length} pages, ${scheme}`, total === 0, `${total} violation(s)`);
    await ctx.close();
  }
});

/* ---------- 4. Layout: no horizontal scrolling; screenshots ---------- */

await step('layout', async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const shots = { ...sample, notes: noteSection };
  for (const width of [390, 1280]) {
    for (const scheme of ['light', 'dark']) {
      const ctx = await context({ viewport: { width, height: width < 600 ? 844 : 900 }, colorScheme: scheme });
      const page = await ctx.newPage();
      for (const p of pages) {
        await page.goto(http_(p));
        const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (over > 0) check(`no horizontal scrolling at ${width}px (${scheme}): ${p}`, false, `${over}px too wide`);
      }
      for (const [name, p] of Object.entries(shots)) {
        if (!p) continue;
        await page.goto(http_(p));
        await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}-${scheme}.png`), fullPage: true });
      }
      await ctx.close();
    }
    check(`no horizontal scrolling at ${width}px on any page`, !failures.some((f) => f.startsWith(`no horizontal scrolling at ${width}px (`)));
  }
  console.log(`     screenshots in ${ARTIFACTS}`);
});

/* ---------- 4b. The time axis: labels clear of each other, links, titles, both schemes ---------- */

// Every drawn time axis (timeline.html, the front page, print's Chronology)
// at 390 and 1280 px, light and dark, and in print on an A4 page: no two
// labels' boxes overlap and none leaves its drawing; every mark is a link
// with a title and a target that exists; labels keep their contrast.
await step('time axis', async () => {
  const drawn = ['timeline.html', 'index.html', 'print.html'];
  const luminance = (rgb) => {
    const [r, g, b] = rgb.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((m, n) => n - m);
    return (x + 0.05) / (y + 0.05);
  };
  const modes = [
    ...[390, 1280].flatMap((width) => ['light', 'dark'].map((scheme) => ({ width, scheme, media: 'screen' }))),
    { width: 794, scheme: 'light', media: 'print' },
  ];
  let figures = 0;
  for (const { width, scheme, media } of modes) {
    const ctx = await context({ viewport: { width, height: 900 }, colorScheme: scheme });
    const page = await ctx.newPage();
    await page.emulateMedia({ media });
    for (const p of drawn) {
      await page.goto(http_(p));
      const found = await page.evaluate(() => [...document.querySelectorAll('svg.timeline-svg')].map((svg) => {
        const box = svg.getBoundingClientRect();
        const texts = [...svg.querySelectorAll('text')].map((t) => {
          const r = t.getBoundingClientRect();
          return { text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom, fill: getComputedStyle(t).fill };
        });
        const marks = [...svg.querySelectorAll('a.timeline-mark')].map((a) => ({
          href: a.getAttribute('href'),
          title: (a.querySelector(':scope > title') || {}).textContent || '',
        }));
        let bg = 'rgb(255, 255, 255)';
        for (let el = svg; el; el = el.parentElement) {
          const c = getComputedStyle(el).backgroundColor;
          if (c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c)) { bg = c; break; }
        }
        return { id: svg.closest('.timeline') && svg.closest('.timeline').id, box: { left: box.left, right: box.right, top: box.top, bottom: box.bottom }, texts, marks, bg };
      }));
      for (const f of found) {
        figures++;
        const where = `${p}#${f.id} at ${width}px ${media} ${scheme}`;
        const overlaps = [];
        for (let i = 0; i < f.texts.length; i++) {
          for (let j = i + 1; j < f.texts.length; j++) {
            const [a, b] = [f.texts[i], f.texts[j]];
            const apart = a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
            if (!apart) overlaps.push(`"${a.text}" / "${b.text}"`);
          }
        }
        check(`time axis: no two labels overlap, ${where}`, overlaps.length === 0, overlaps.slice(0, 3).join('; '));
        const outside = f.texts.filter((t) => t.left < f.box.left - 0.5 || t.right > f.box.right + 0.5 || t.top < f.box.top - 0.5 || t.bottom > f.box.bottom + 0.5);
        check(`time axis: no label cut off, ${where}`, outside.length === 0, outside.slice(0, 3).map((t) => t.text).join('; '));
        const untitled = f.marks.filter((m) => !m.title.trim());
        check(`time axis: every mark has a title, ${where}`, f.marks.length > 0 && untitled.length === 0, `${untitled.length} without`);
        const low = f.texts.filter((t) => contrast(t.fill, f.bg) < 4.5);
        check(`time axis: labels keep 4.5:1 contrast, ${where}`, low.length === 0, low.slice(0, 2).map((t) => `${t.text} ${t.fill} on ${f.bg}`).join('; '));
        if (width === 1280 && scheme === 'light' && media === 'screen') {
          const dead = [];
          for (const m of f.marks) {
            const url = new URL(m.href, http_(p));
            const target = url.pathname.slice(1);
            const file = path.join(site, decodeURIComponent(target));
            const ok = fs.existsSync(file) && (!url.hash || fs.readFileSync(file, 'utf8').includes(`id="${decodeURIComponent(url.hash.slice(1))}"`));
            if (!ok) dead.push(m.href);
          }
          check(`time axis: every mark links to a page or anchor that exists, ${p}#${f.id}`, dead.length === 0, dead.join(', '));
        }
      }
      if (media === 'screen') {
        for (const f of found) {
          await page.locator(`#${f.id}`).screenshot({ path: path.join(ARTIFACTS, `axis-${f.id}-${width}-${scheme}.png`) });
        }
      }
    }
    await ctx.close();
  }
  const expected = fs.readFileSync(path.join(site, 'timeline.html'), 'utf8').includes('class="timeline-svg"');
  check('time axis: drawn and checked', !expected || figures > 0, `${figures} drawing(s) checked`);
});

/* ---------- 5. Typography: the measure ---------- */

await step('measure', async () => {
  const ctx = await context();
  const page = await ctx.newPage();
  await page.goto(http_(noteSection));
  // Characters per line of the paragraphs: the column's width over the
  // mean width of a character of their text in their own font, measured on
  // one unbroken line (a canvas), so that where lines happen to break does
  // not matter.
  const cpl = await page.evaluate(() => {
    const out = [];
    const canvas = document.createElement('canvas').getContext('2d');
    for (const p of document.querySelectorAll('main .prose > p')) {
      const copy = p.cloneNode(true);
      copy.querySelectorAll('.sidenote, .sidenote-ref, .sidenote-toggle').forEach((n) => n.remove());
      const text = copy.textContent.replace(/\s+/g, ' ').trim();
      if (text.length < 200) continue;
      const style = getComputedStyle(p);
      canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const perChar = canvas.measureText(text).width / text.length;
      out.push(p.clientWidth / perChar);
    }
    return out;
  });
  const mean = cpl.reduce((a, b) => a + b, 0) / (cpl.length || 1);
  check('measure: 60–75 characters a line at 1280px', cpl.length > 0 && mean >= 58 && mean <= 78, `${mean.toFixed(1)} characters`);
  console.log(`     ${mean.toFixed(1)} characters per line (mean of ${cpl.length} paragraphs)`);
  await ctx.close();
});

/* ---------- 6. Reference previews ---------- */

const previewSelector = '.ref-preview';
async function previewState(page) {
  return page.evaluate((sel) => {
    const box = document.querySelector(sel);
    if (!box || box.hidden) return null;
    const r = box.getBoundingClientRect();
    return { ref: box.getAttribute('data-ref'), text: box.textContent.replace(/\s+/g, ' ').trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom, vw: document.documentElement.clientWidth, vh: window.innerHeight };
  }, previewSelector);
}
// The cards brief.js previews, by `kind:id`, as previews.js assigns them.
const previewCards = JSON.parse(fs.readFileSync(path.join(site, 'previews.js'), 'utf8').trim()
  .replace(/^window\.BRIEF_PREVIEWS = /, '').replace(/;$/, ''));
const cardText = (page, key) => page.evaluate((html) => {
  const card = document.createElement('template');
  card.innerHTML = html || '';
  const head = card.content.querySelector('.card-title') || card.content.querySelector('.quote-text');
  return head ? head.textContent.replace(/\s+/g, ' ').trim() : null;
}, previewCards[key]);
const previewShown = (page) => page.waitForFunction((sel) => { const b = document.querySelector(sel); return b && !b.hidden; }, previewSelector, { timeout: 3000 });
const inViewport = (s) => s && s.left >= 0 && s.top >= 0 && s.right <= s.vw + 0.5 && s.bottom <= s.vh + 0.5;

await step('previews: hover and focus', async () => {
  const ctx = await context();
  const page = await ctx.newPage();
  // The cards are loaded the first time one is wanted, not with every page.
  const cardLoads = [];
  page.on('request', (r) => { if (r.url().endsWith('/previews.js')) cardLoads.push(r.url()); });
  await page.goto(http_(noteSection));
  await page.waitForLoadState('networkidle');
  check('a page loads no preview cards until a reference is hovered, focused or tapped', cardLoads.length === 0, cardLoads.join(', '));
  for (const kind of ['party', 'clause', 'quote', 'event', 'section']) {
    // The first section with a visible reference of this kind.
    const where = sections.find((p) => new RegExp(`<p>[^\\n]*class="ref ref-${kind}"`).test(fs.readFileSync(path.join(site, p), 'utf8')));
    if (!check(`a section has a ${kind} reference in its text`, !!where)) continue;
    await page.goto(http_(where));
    const link = page.locator(`main .prose a.ref-${kind}:visible`).first();
    const key = await link.getAttribute('data-ref');
    const expected = await cardText(page, key);
    await link.scrollIntoViewIfNeeded();
    await link.hover();
    await previewShown(page);
    const shown = await previewState(page);
    if (kind === 'party') check('the first hover loads the cards, once', cardLoads.length === 1, cardLoads.join(', '));
    check(`hover on a ${kind} reference previews ${key}`, shown && shown.ref === key && expected && shown.text.includes(expected), JSON.stringify(shown && shown.text.slice(0, 80)));
    check(`the ${kind} preview stays inside the viewport`, inViewport(shown), JSON.stringify(shown));
    await page.keyboard.press('Escape');
    check(`Escape hides the ${kind} preview`, (await previewState(page)) === null);
    await page.mouse.move(0, 0);
  }
  // Keyboard: Tab from the start of the page until a reference has focus.
  await page.goto(http_(noteSection));
  let focused = null;
  for (let i = 0; i < 80 && !focused; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => { const a = document.activeElement; return a && a.matches('a.ref[data-ref]') ? a.getAttribute('data-ref') : null; });
  }
  // The first preview of a page waits for previews.js.
  if (focused) await previewShown(page);
  const shown = await previewState(page);
  const expected = focused && await cardText(page, focused);
  check('keyboard focus on a reference previews it', focused && shown && shown.ref === focused && shown.text.includes(expected), `${focused} ${JSON.stringify(shown && shown.text.slice(0, 60))}`);
  check('the focused reference is described by the preview', await page.evaluate(() => document.activeElement.getAttribute('aria-describedby') === 'ref-preview'));
  await page.addScriptTag({ path: AXE });
  const open = await page.evaluate(() => window.axe.run(document));
  for (const v of open.violations) console.log(`     preview open: ${v.id} ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  check('axe: zero violations with a preview open', open.violations.length === 0, `${open.violations.length} violation(s)`);
  await page.keyboard.press('Escape');
  check('Escape hides the keyboard preview', (await previewState(page)) === null);
  // A reference at the very bottom right of the viewport: the card flips up and stays inside.
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
    await page.goto(http_(noteSection));
    const last = page.locator('main .prose a.ref:visible').last();
    await last.evaluate((a) => { const r = a.getBoundingClientRect(); window.scrollBy(0, r.bottom - window.innerHeight + 4); });
    await last.hover();
    await previewShown(page);
    const s = await previewState(page);
    check(`a preview at the bottom of the viewport stays inside it (${width}px)`, inViewport(s), JSON.stringify(s));
    await page.mouse.move(0, 0);
  }
  await ctx.close();
});

await step('previews: touch', async () => {
  const ctx = await context({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await ctx.newPage();
  await page.goto(http_(noteSection));
  const link = page.locator('main .prose a.ref-party:visible').first();
  const key = await link.getAttribute('data-ref');
  const href = await link.getAttribute('href');
  await link.scrollIntoViewIfNeeded();
  await link.tap();
  await previewShown(page);
  const shown = await previewState(page);
  check('first tap on a reference previews it and stays on the page', shown && shown.ref === key && page.url() === http_(noteSection), `${page.url()} ${JSON.stringify(shown)}`);
  check('the tapped preview stays inside the viewport', inViewport(shown), JSON.stringify(shown));
  const cardLink = await page.evaluate((h) => [...document.querySelectorAll('.ref-preview a')].some((a) => a.getAttribute('href') === h), href);
  check('the preview card links to the page', cardLink);
  await Promise.all([page.waitForURL((u) => u.href !== http_(noteSection), { timeout: 5000 }), link.tap()]);
  check('a second tap follows the reference', new URL(page.url()).pathname.endsWith(href.replace(/^(\.\.\/)+/, '')), page.url());
  await ctx.close();
});

await step('previews: from file://', async () => {
  const ctx = await context();
  const page = await ctx.newPage();
  await page.goto(file_(noteSection));
  const link = page.locator('main .prose a.ref-party:visible').first();
  const href = await link.getAttribute('href');
  await link.scrollIntoViewIfNeeded();
  await link.hover();
  await previewShown(page);
  const cardLink = await page.evaluate((h) => [...document.querySelectorAll('.ref-preview a')].some((a) => a.getAttribute('href') === h), href);
  check('from file://, hover previews a reference and its card links to the page as the reference does', cardLink, href);
  await ctx.close();
});

/* ---------- 7. Sidenotes ---------- */

await step('sidenotes', async () => {
  if (!sidenoteCount(noteSection)) return check('the briefing has sidenotes to check', false);
  for (const js of [true, false]) {
    const ctx = await context({ javaScriptEnabled: js });
    const page = await ctx.newPage();
    await page.goto(http_(noteSection));
    const wide = await page.evaluate(() => {
      const note = document.querySelector('main .sidenote');
      const ref = note.closest('.sidenote-wrap').querySelector('.sidenote-ref');
      const para = note.closest('p');
      const n = note.getBoundingClientRect(), r = ref.getBoundingClientRect(), p = para.getBoundingClientRect();
      return { visible: getComputedStyle(note).display !== 'none', inMargin: n.left >= p.right, dy: Math.abs(n.top - r.top) };
    });
    check(`wide screen${js ? '' : ', no JavaScript'}: the first sidenote sits in the margin beside its line`, wide.visible && wide.inMargin && wide.dy < 40, JSON.stringify(wide));
    check(`endnotes are hidden on screen${js ? '' : ', no JavaScript'}`, await page.evaluate(() => [...document.querySelectorAll('.endnotes')].every((e) => getComputedStyle(e).display === 'none')));
    await page.setViewportSize({ width: 390, height: 844 });
    const note = page.locator('main .sidenote').first();
    const before = await note.isVisible();
    const label = page.locator('main .sidenote-ref').first();
    await label.scrollIntoViewIfNeeded();
    await label.click();
    const after = await note.evaluate((n) => { const r = n.getBoundingClientRect(); return getComputedStyle(n).display !== 'none' && r.height > 0 && r.right <= document.documentElement.clientWidth; });
    check(`narrow screen${js ? '' : ', no JavaScript'}: a sidenote opens inline on tap`, !before && after, `before ${before}, after ${after}`);
    await ctx.close();
  }
});

/* ---------- 8. Without JavaScript ---------- */

await step('no JavaScript', async () => {
  const ctx = await context({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  let bad = [];
  for (const p of Object.values(sample).filter(Boolean)) {
    await page.goto(http_(p));
    const refs = await page.evaluate(() => [...document.querySelectorAll('a.ref')].map((a) => ({ href: a.getAttribute('href'), url: a.href })));
    for (const r of refs) {
      const target = r.url.startsWith(origin) ? path.join(site, decodeURIComponent(new URL(r.url).pathname)) : null;
      if (!r.href || !target || !fs.existsSync(target)) bad.push(`${p}: ${r.href}`);
    }
  }
  check('without JavaScript every reference is a link to an existing page', bad.length === 0, bad.slice(0, 5).join(', '));
  check('without JavaScript the search box, which would do nothing, is hidden', !(await page.locator('#search-input').isVisible()));
  await page.goto(http_(sample.section));
  const link = page.locator('main .prose a.ref:visible').first();
  const href = await link.getAttribute('href');
  await Promise.all([page.waitForURL((u) => !u.href.endsWith(sample.section)), link.click()]);
  check('without JavaScript a reference click opens its page', page.url().endsWith(href.replace(/^(\.\.\/)+/, '')), page.url());
  await ctx.close();
});

/* ---------- 9. Search, over HTTP and from file:// ---------- */

async function searchFor(page, query) {
  await page.fill('#search-input', '');
  await page.locator('#search-input').pressSequentially(query, { delay: 10 });
  await page.waitForTimeout(100);
  return page.evaluate(() => [...document.querySelectorAll('#search-results a')].map((a) => ({ href: a.href, text: a.textContent })));
}
const hasHref = (results, p) => results.some((r) => r.href.endsWith('/' + p));

for (const [how, url] of [['http', http_], ['file://', file_]]) {
  await step(`search (${how})`, async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto(url(noteSection));
    check(`search box on the page (${how})`, await page.locator('input[type=search]#search-input').isVisible());
    // An alias that is not part of the name finds its party.
    const aliased = entities.find((e) => e.kind === 'party' && (e.aliases ?? []).some((a) => !e.name.toLowerCase().includes(a.toLowerCase())));
    if (aliased) {
      const alias = aliased.aliases.find((a) => !aliased.name.toLowerCase().includes(a.toLowerCase()));
      const res = await searchFor(page, alias);
      check(`search for the alias "${alias}" finds ${aliased.name} (${how})`, hasHref(res, aliased.href), JSON.stringify(res.slice(0, 4)));
    }
    const bedrock = await searchFor(page, 'Bedrock');
    const clause = entities.find((e) => e.kind === 'clause' && /bedrock/i.test(e.name));
    const section = entities.find((e) => e.kind === 'section' && graph.mentions.some((m) => m.page === e.href && /bedrock/i.test(m.entity)));
    check(`search for "Bedrock" finds the clause (${how})`, clause && hasHref(bedrock, clause.href), JSON.stringify(bedrock.map((r) => r.href.split('/').slice(-2).join('/'))));
    check(`search for "Bedrock" finds the section that mentions it (${how})`, section && hasHref(bedrock, section.href), section && section.href);
    // Keyboard: arrow into the results, arrow again, Enter opens that result.
    await page.focus('#search-input');
    await page.keyboard.press('ArrowDown');
    const first = await page.evaluate(() => document.activeElement.closest('#search-results') && document.activeElement.href);
    await page.keyboard.press('ArrowDown');
    const second = await page.evaluate(() => document.activeElement.closest('#search-results') && document.activeElement.href);
    check(`arrow keys move through the results (${how})`, first && second && first !== second, `${first} ${second}`);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Escape');
    check(`Escape closes the results and returns to the box (${how})`, await page.evaluate(() => document.getElementById('search-results').hidden && document.activeElement.id === 'search-input'));
    await searchFor(page, 'Bedrock');
    await page.keyboard.press('ArrowDown');
    const target = await page.evaluate(() => document.activeElement.href);
    await Promise.all([page.waitForURL(target, { timeout: 5000 }), page.keyboard.press('Enter')]);
    const loaded = await page.evaluate(() => document.querySelector('h1') && document.querySelector('h1').textContent);
    check(`Enter on a result opens it (${how})`, page.url() === target && !!loaded, `${page.url()} ${loaded}`);
    await ctx.close();
  });
}

/* ---------- 10. Paraphrases never in quotation marks ---------- */

await step('quotation marks', async () => {
  const ctx = await context();
  const page = await ctx.newPage();
  let bad = [];
  const quoteCards = Object.keys(previewCards).filter((k) => k.startsWith('quote:')).map((k) => previewCards[k]);
  for (const p of [sample.quotes, sample.front, ...entities.filter((e) => e.kind === 'quote').map((e) => e.href)]) {
    await page.goto(http_(p));
    bad = bad.concat(await page.evaluate(([p, cards]) => {
      // The quotes' preview cards, styled as a preview shows them.
      const box = document.createElement('div');
      box.className = 'ref-preview';
      box.innerHTML = cards.join('');
      document.body.appendChild(box);
      const out = [];
      for (const el of document.querySelectorAll('.quote-paraphrase')) {
        const before = getComputedStyle(el, '::before').content, after = getComputedStyle(el, '::after').content;
        if (/[“”"«»„]/.test(el.textContent + before + after)) out.push(`${p}: paraphrase in quotation marks`);
      }
      for (const el of document.querySelectorAll('.quote-direct')) {
        if (!/^[“"]/.test(el.textContent.trim())) out.push(`${p}: direct quote without quotation marks`);
      }
      return out;
    }, [p, quoteCards]));
  }
  check('direct quotes show quotation marks; paraphrases never do, on pages and in previews', bad.length === 0, bad.slice(0, 3).join(', '));
  await ctx.close();
});

/* ---------- 11. Reference kinds differ by more than colour ---------- */

await step('reference marks', async () => {
  const ctx = await context();
  const page = await ctx.newPage();
  await page.goto(http_(sample.front));
  const marks = await page.evaluate(() => {
    const out = {};
    for (const kind of ['party', 'clause', 'quote', 'section']) {
      const a = document.querySelector(`a.ref-${kind}`);
      if (!a) continue;
      const s = getComputedStyle(a), after = getComputedStyle(a, '::after'), before = getComputedStyle(a, '::before');
      out[kind] = [s.backgroundImage, after.content, before.content].join('|');
    }
    return out;
  });
  const values = Object.values(marks);
  check('party, clause, quote, event and section references carry distinct marks', values.length >= 3 && new Set(values).size === values.length && values.every((v) => v !== 'none|normal|normal'), JSON.stringify(Object.keys(marks)));
  const statuses = await page.evaluate(() => [...document.querySelectorAll('.status')].map((s) => [s.className, s.textContent.trim()]));
  check('status badges carry their status as text', statuses.length > 0 && statuses.every(([c, t]) => c.includes(`status-${t}`)), JSON.stringify(statuses.slice(0, 3)));
  await ctx.close();
});

/* ---------- Pictures: every label legible, every shape a link ---------- */

// The labels of each drawn picture (`figure svg.map`) as the browser sets
// them: no two overlap, none is cut off by its box or by the picture, and
// the picture scrolls inside its own frame rather than widening the page.
async function pictureProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5
      && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
    const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
    for (const figure of document.querySelectorAll('figure')) {
      const svg = figure.querySelector('svg.map');
      if (!svg) continue;
      const whole = svg.getBoundingClientRect();
      const labels = [...svg.querySelectorAll('text')].map((t) => ({ t, r: t.getBoundingClientRect() }));
      if (!labels.length) problems.push(`#${figure.id}: no labels`);
      labels.forEach(({ t, r }, i) => {
        if (!inside(r, whole)) problems.push(`#${figure.id}: "${t.textContent}" is cut off by the picture`);
        const box = t.closest('g')?.querySelector('rect');
        if (box && !inside(r, box.getBoundingClientRect())) problems.push(`#${figure.id}: "${t.textContent}" leaves its box`);
        for (const other of labels.slice(i + 1)) {
          if (overlap(r, other.r)) problems.push(`#${figure.id}: "${t.textContent}" overlaps "${other.t.textContent}"`);
        }
      });
      const frame = figure.querySelector('.map-frame');
      if (frame && frame.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5) problems.push(`#${figure.id}: its frame is wider than the page`);
      const fill = (el) => el && getComputedStyle(el).fill;
      const label = svg.querySelector('.map-name');
      if (label && fill(label) === fill(label.parentNode.querySelector('rect'))) problems.push(`#${figure.id}: labels are the colour of their boxes`);
    }
    return problems;
  });
}

await step('deal map', async () => {
  const withMap = pages.filter((p) => /<figure class="deal-map"/.test(fs.readFileSync(path.join(site, p), 'utf8')));
  check('the front page and party pages carry a deal map', withMap.includes('index.html') && withMap.some((p) => p.startsWith('parties/')), withMap.join(', '));
  for (const width of [390, 1280]) {
    for (const scheme of ['light', 'dark']) {
      const ctx = await context({ viewport: { width, height: 900 }, colorScheme: scheme });
      const page = await ctx.newPage();
      const problems = [];
      for (const p of withMap) {
        await page.goto(http_(p));
        problems.push(...(await pictureProblems(page)).map((x) => `${p} ${x}`));
      }
      check(`deal maps legible at ${width}px (${scheme})`, problems.length === 0, problems.slice(0, 5).join('; '));
      await page.goto(http_('index.html'));
      await page.locator('#deal-map').screenshot({ path: path.join(ARTIFACTS, `deal-map-${width}-${scheme}.png`) });
      await ctx.close();
    }
  }
  // On paper: print.html as print media lays it out on an A4 page's width.
  {
    const ctx = await context({ viewport: { width: 794, height: 1123 } });
    const page = await ctx.newPage();
    await page.emulateMedia({ media: 'print' });
    await page.goto(http_('print.html'));
    const problems = await pictureProblems(page);
    const drawn = await page.evaluate(() => document.querySelectorAll('#deal-map svg.map text').length);
    check('the deal map in print.html is legible on an A4 page', drawn > 0 && problems.length === 0, `${drawn} labels; ${problems.slice(0, 5).join('; ')}`);
    await ctx.close();
  }
  // Every box and connection is a link, with a title, to the page of what it shows.
  const ctx = await context();
  const page = await ctx.newPage();
  await page.goto(http_('index.html'));
  const shapes = await page.evaluate(() => {
    const drawn = document.querySelectorAll('#deal-map svg.map g.map-node, #deal-map svg.map path.map-edge').length;
    const links = [...document.querySelectorAll('#deal-map svg.map-links a')];
    return { drawn, links: links.length, titled: links.filter((a) => a.querySelector('title')?.textContent.trim()).length };
  });
  check('every box and connection of the deal map is a link with a title', shapes.drawn > 0 && shapes.links === shapes.drawn && shapes.titled === shapes.drawn, JSON.stringify(shapes));
  const href = await page.evaluate(() => document.querySelector('#deal-map svg.map-links a rect').closest('a').getAttribute('href'));
  // Playwright clicks only what the pointer would reach: the link layer must be on top.
  await page.locator('#deal-map svg.map-links a rect').first().click({ timeout: 5000 });
  await page.waitForURL(http_(href), { timeout: 5000 }).catch(() => {});
  check('clicking a box of the deal map opens its page', page.url() === http_(href), `${page.url()} against ${href}`);
  await ctx.close();
});

/* ---------- Done ---------- */

await browser.close();
server.close();
check('no request left the page\'s own origin', foreign.length === 0, [...new Set(foreign)].slice(0, 5).join(', '));
console.log(`\n${passed} passed, ${failures.length} failed`);
for (const f of failures) console.log(`  - ${f}`);
process.exit(failures.length ? 1 : 0);
