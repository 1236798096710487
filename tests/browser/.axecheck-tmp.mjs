import { readFile } from 'node:fs/promises';
import { chromium } from '/work/main/tests/browser/node_modules/playwright-core/index.mjs';
const axe = await readFile('/work/main/tests/browser/node_modules/axe-core/axe.min.js','utf8');
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
try {
  const c = await b.newContext({ bypassCSP: true, viewport:{width:390,height:844} });
  const p = await c.newPage();
  await p.goto('http://127.0.0.1:8890/personvern');
  await p.evaluate(() => { const i = document.createElement('img'); i.src='/assets/helsenorge-app.svg'; document.querySelector('main').append(i); const s=document.createElement('p'); s.style.color='#ccc'; s.textContent='low contrast'; document.querySelector('main').append(s); });
  await p.addScriptTag({ content: axe });
  const r = await p.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa'] } }));
  console.log('passes', r.passes.length, 'violations', r.violations.map(v => v.id + ':' + v.nodes.length), 'incomplete', r.incomplete.map(v=>v.id));
} finally { await b.close(); }
