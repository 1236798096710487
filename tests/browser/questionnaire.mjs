#!/usr/bin/env node
/*
 * Svar browser test: walks the whole 2021 questionnaire in headless Chromium
 * on a phone-sized viewport, answers every question, fills in the grid page
 * (Q3_1) with the keyboard only, and runs axe-core (WCAG 2.0/2.1 A and AA)
 * plus a horizontal-overflow check at 360 px on every page it visits,
 * including the thank-you page.
 *
 *   node tests/browser/questionnaire.mjs <unit-link-url>
 *   SVAR_UNIT_LINK=<unit-link-url> node tests/browser/questionnaire.mjs
 *
 * Exits 0 when the questionnaire was completed with no axe violations and no
 * horizontal scrolling; 1 otherwise. The unit link's secret key is never
 * printed: paths are shown as /r/…/3.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { runAxe, overflowAt, cutWords, VIEWPORT, AXE_TAGS } from './lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const AXE_PATH = join(HERE, 'node_modules', 'axe-core', 'axe.min.js');
const BUILD = join(HERE, '..', '..', 'build');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const NAV_TIMEOUT = 20_000;
const NARROW = 360;
const NARROWEST = 320;
const MAX_PAGES = 60;

/* Items that must have been shown with the answers below (HF link, B1=1). */
const ROUTED = ['Q3_3', 'Q3_4', 'Q3_19', 'Q3_33', 'B9'];

/* Deterministic answers where "the first option" is not what we want. */
const SINGLE_CHOICE = { Q3_2: '1', Q3_18: '2', Q3_32: '1' };
const NPS_VALUE = '8';
const SUM_VALUES = { Q3_6: ['60', '20', '10', '10'] };
const NUMBER_VALUES = { B5: '44' };
const TEXT_VALUES = {
	Q3_33: 'Timebestilling, reseptfornyelse og innsyn i prøvesvar.',
	Q3_35: 'Kunstig intelligens og hjemmeoppfølging med sensorer.'
};
const DEFAULT_TEXT = 'Testsvar fra nettlesertesten.';

/*
 * Keyboard plan for the grid page: row i gets the option reached by
 * Space (i = 0) or by i presses of ArrowDown from the first option.
 */
const GRID_ID = 'Q3_1';

/*
 * The error state is checked once too: B5 is first sent out of range, the
 * page must come back with the error summary (focused), and axe runs on it.
 */
const ERROR_ITEM = 'B5';
const ERROR_VALUE = '14';

class TestFailure extends Error {}

function fail(msg) {
	throw new TestFailure(msg);
}

/* /r/<key>/3 -> /r/…/3 ; /u/<key> -> /u/… */
function redact(u) {
	let path;
	try {
		const url = new URL(u);
		path = url.pathname;
	} catch {
		path = String(u);
	}
	return path.replace(/^\/(r|u)\/[^/]+/, '/$1/…');
}

function parseArgs() {
	const link = process.argv[2] || process.env.SVAR_UNIT_LINK;
	if (!link) {
		console.error('usage: node tests/browser/questionnaire.mjs <unit-link-url>' +
		    '\n       (or set SVAR_UNIT_LINK)');
		process.exit(1);
	}
	let url;
	try {
		url = new URL(link);
	} catch {
		console.error('not a URL: the unit link must be absolute (http://host/u/<key>)');
		process.exit(1);
	}
	if (!/^\/(u|r)\/[^/]+/.test(url.pathname)) {
		console.error('not a unit link: expected a path /u/<key> or /r/<key>');
		process.exit(1);
	}
	return url.href;
}

/* ------------------------------------------------------------------ */
/* Checks run on every page                                            */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Answering                                                           */
/* ------------------------------------------------------------------ */

/* Every question on the page: [{ id, kind }] in document order. */
async function listItems(page) {
	return page.$$eval('main form .item', (els) => els.map((el) => {
		const cls = el.classList;
		const kinds = ['single', 'multi', 'grid', 'nps', 'sum', 'number', 'text'];
		return {
			id: (el.id || '').replace(/^q-/, ''),
			kind: kinds.find((k) => cls.contains(k)) || '?',
			tag: el.tagName.toLowerCase()
		};
	}));
}

async function checkOne(page, selector, what) {
	const loc = page.locator(selector);
	if (await loc.count() !== 1)
		fail(`${what}: expected exactly one control for ${selector}, found ${await loc.count()}`);
	await loc.check({ timeout: NAV_TIMEOUT });
	if (!await loc.isChecked())
		fail(`${what}: ${selector} did not become checked`);
}

function cssName(name) {
	return `[name="${name.replace(/"/g, '\\"')}"]`;
}

async function answerItem(page, it) {
	const scope = `#${CSS_escape('q-' + it.id)}`;
	switch (it.kind) {
	case 'single': {
		const want = SINGLE_CHOICE[it.id];
		const sel = want !== undefined ?
		    `${scope} input[type=radio]${cssName(it.id)}[value="${want}"]` :
		    `${scope} .choices .choice:first-child input[type=radio]`;
		await checkOne(page, sel, it.id);
		return;
	}
	case 'multi':
		await checkOne(page,
		    `${scope} .choices .choice:first-child input[type=checkbox]`, it.id);
		return;
	case 'nps':
		await checkOne(page,
		    `${scope} input[type=radio]${cssName(it.id)}[value="${NPS_VALUE}"]`, it.id);
		return;
	case 'grid': {
		const rows = page.locator(`${scope} fieldset.grid-row`);
		const n = await rows.count();
		if (n === 0)
			fail(`${it.id}: grid without rows`);
		for (let i = 0; i < n; i++) {
			const first = rows.nth(i).locator('.choice').first().locator('input[type=radio]');
			await first.check({ timeout: NAV_TIMEOUT });
		}
		return;
	}
	case 'sum': {
		const inputs = page.locator(`${scope} .sum-row input`);
		const n = await inputs.count();
		const vals = SUM_VALUES[it.id];
		if (!vals || vals.length !== n)
			fail(`${it.id}: no planned values for a sum of ${n} rows`);
		for (let i = 0; i < n; i++)
			await inputs.nth(i).fill(vals[i]);
		/* svar.js shows the running total. */
		const total = (await page.locator(`${scope} .sum-total`).textContent() || '').trim();
		if (!/\b100\b/.test(total))
			fail(`${it.id}: running total shows "${total}", expected 100`);
		return;
	}
	case 'number': {
		const v = NUMBER_VALUES[it.id];
		if (v === undefined)
			fail(`${it.id}: no planned value for a number item`);
		await page.locator(`${scope} input${cssName(it.id)}`).fill(v);
		return;
	}
	case 'text':
		await page.locator(`${scope} textarea${cssName(it.id)}`)
		    .fill(TEXT_VALUES[it.id] || DEFAULT_TEXT);
		return;
	default:
		fail(`${it.id || '(no id)'}: unknown item markup <${it.tag}> – the test cannot answer it`);
	}
}

/* CSS.escape is a browser API; ids here are [A-Za-z0-9_.-]. */
function CSS_escape(s) {
	return s.replace(/([^A-Za-z0-9_-])/g, '\\$1');
}

/* ------------------------------------------------------------------ */
/* Navigation                                                          */
/* ------------------------------------------------------------------ */

async function afterNavigation(page, navPromise, what) {
	try {
		await navPromise;
	} catch (e) {
		fail(`${what}: no page load within ${NAV_TIMEOUT / 1000} s (${e.message.split('\n')[0]})`);
	}
	await page.waitForLoadState('load', { timeout: NAV_TIMEOUT });
}

async function clickNav(page, value, what) {
	const btn = page.locator(`main form button[name=nav][value=${value}]`);
	if (await btn.count() !== 1)
		fail(`${what}: no button nav=${value} on ${redact(page.url())}`);
	const nav = page.waitForNavigation({ timeout: NAV_TIMEOUT, waitUntil: 'load' });
	await btn.click({ timeout: NAV_TIMEOUT });
	await afterNavigation(page, nav, what);
}

async function errorSummary(page) {
	const es = page.locator('#errors');
	if (await es.count() === 0)
		return null;
	return (await es.innerText()).replace(/\s+/g, ' ').trim();
}

/* ------------------------------------------------------------------ */
/* The grid page, with the keyboard only                               */
/* ------------------------------------------------------------------ */

async function active(page) {
	return page.evaluate(() => {
		const a = document.activeElement;
		if (!a || a === document.body)
			return { tag: 'body' };
		return {
			tag: a.tagName.toLowerCase(),
			type: a.getAttribute('type') || '',
			name: a.getAttribute('name') || '',
			value: a.getAttribute('value') || '',
			checked: !!a.checked
		};
	});
}

function describe(a) {
	return a.tag === 'body' ? 'nothing (body)' :
	    `<${a.tag}${a.type ? ' type=' + a.type : ''}${a.name ? ' name=' + a.name : ''}` +
	    `${a.value ? ' value=' + a.value : ''}>`;
}

/*
 * Tab from the top of the page into the first row's radio group, then for
 * row i press Space (i = 0) or ArrowDown i times, Tab to the next row, and
 * finally Tab to "Neste" and press Enter. Returns { rowName: value }.
 */
async function answerGridByKeyboard(page) {
	const rowNames = await page.$$eval(
	    `fieldset.grid fieldset.grid-row`,
	    (rows, id) => rows
		.map((r) => r.querySelector('input[type=radio]'))
		.filter((i) => i && i.name.startsWith(id + '.'))
		.map((i) => i.name), GRID_ID);
	if (rowNames.length === 0)
		fail(`${GRID_ID}: no radio rows found`);

	/* Start from the top of the document. */
	await page.evaluate(() => {
		if (document.activeElement && document.activeElement !== document.body)
			document.activeElement.blur();
		window.scrollTo(0, 0);
	});

	let a = await active(page);
	let presses = 0;
	while (!(a.tag === 'input' && a.name === rowNames[0])) {
		if (++presses > 30)
			fail(`${GRID_ID}: Tab never reached the first radio group ` +
			    `(${rowNames[0]}); focus is on ${describe(a)}`);
		await page.keyboard.press('Tab');
		a = await active(page);
	}

	const expected = {};
	for (let i = 0; i < rowNames.length; i++) {
		a = await active(page);
		if (!(a.tag === 'input' && a.type === 'radio' && a.name === rowNames[i]))
			fail(`${GRID_ID}: expected focus in row ${rowNames[i]}, got ${describe(a)}`);
		if (i === 0) {
			await page.keyboard.press('Space');
		} else {
			for (let k = 0; k < i; k++)
				await page.keyboard.press('ArrowDown');
		}
		a = await active(page);
		if (!(a.name === rowNames[i] && a.checked))
			fail(`${GRID_ID}: keyboard did not select a value in row ${rowNames[i]} ` +
			    `(focus on ${describe(a)}, checked=${a.checked})`);
		expected[rowNames[i]] = a.value;
		await page.keyboard.press('Tab');
	}

	/* After the last row Tab must land on the primary button. */
	a = await active(page);
	if (!(a.tag === 'button' && a.name === 'nav' && a.value === 'next'))
		fail(`${GRID_ID}: Tab after the last row went to ${describe(a)}, not the Neste button`);
	const label = (await page.evaluate(() => document.activeElement.textContent)).trim();
	const nav = page.waitForNavigation({ timeout: NAV_TIMEOUT, waitUntil: 'load' });
	await page.keyboard.press('Enter');
	await afterNavigation(page, nav, `${GRID_ID}: Enter on "${label}"`);
	return expected;
}

async function verifyGridSaved(page, expected) {
	for (const [name, value] of Object.entries(expected)) {
		const checked = await page.$$eval(`input[type=radio]${cssName(name)}`,
		    (els) => els.filter((e) => e.checked).map((e) => e.value));
		if (checked.length !== 1 || checked[0] !== value)
			fail(`${GRID_ID}: after going back, ${name} shows ` +
			    `${checked.length ? checked.join(',') : 'nothing'} checked, expected ${value}`);
	}
}

/* ------------------------------------------------------------------ */
/* Main                                                                */
/* ------------------------------------------------------------------ */

async function main() {
	const link = parseArgs();
	const axeSource = await readFile(AXE_PATH, 'utf8');

	const violations = [];		/* { path, v } */
	const overflow = [];		/* { path, width, scrollWidth, wide } */
	const cut = [];			/* { path, words }: cut without a hyphen */
	const incomplete = [];		/* { path, v }: axe "needs review", not failures */
	const visited = [];		/* path tails, in order (with repeats) */
	const seenItems = new Set();
	let gridChecked = false;
	let errorChecked = false;

	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
		    '--no-first-run', '--disable-background-networking',
		    '--disable-component-update', '--disable-sync']
	});
	try {
		const context = await browser.newContext({
			viewport: VIEWPORT,
			bypassCSP: true,
			locale: 'nb-NO',
			isMobile: false,
			hasTouch: false
		});
		context.setDefaultNavigationTimeout(NAV_TIMEOUT);
		context.setDefaultTimeout(NAV_TIMEOUT);
		const page = await context.newPage();

		const pageErrors = [];
		page.on('pageerror', (e) => pageErrors.push(e.message));

		async function checkPage(label) {
			const path = redact(page.url());
			visited.push(path);
			/* An image that did not load is invisible to axe. */
			const broken = await page.evaluate(() => [...document.images]
			    .filter((i) => !i.complete || i.naturalWidth === 0)
			    .map((i) => i.getAttribute('src')));
			if (broken.length)
				fail(`images not shown on ${path}: ${broken.join(', ')}`);
			const res = await runAxe(page, axeSource);
			if (res.passes === 0)
				fail(`axe found nothing to check on ${path}: did it run?`);
			const vs = res.violations;
			for (const v of vs)
				violations.push({ path, label, v });
			for (const v of res.incomplete)
				incomplete.push({ path, v });
			for (const w of [VIEWPORT.width, NARROW]) {
				const o = await overflowAt(page, w);
				if (o.scrollWidth > w)
					overflow.push({ path, width: w, ...o });
			}
			const words = await cutWords(page, NARROWEST);
			if (words.length)
				cut.push({ path, words });
			const h1 = (await page.locator('main h1').first().textContent()
			    .catch(() => '') || '').trim();
			console.log(`  ${path.padEnd(12)} ${h1}` + (label ? `  (${label})` : '') +
			    (vs.length ? `  [${vs.length} axe violation(s)]` : ''));
			return path;
		}

		/*
		 * Send ERROR_ITEM out of range: the same page must come back with
		 * the error summary focused and the field pointing at its error.
		 * Then the planned answer is filled in again (the caller submits).
		 */
		async function checkErrorState(page, path, items) {
			const field = page.locator(`#${CSS_escape('q-' + ERROR_ITEM)} input${cssName(ERROR_ITEM)}`);
			await field.fill(ERROR_VALUE);
			await clickNav(page, 'next', `"Neste" with ${ERROR_ITEM}=${ERROR_VALUE} on ${path}`);
			if (redact(page.url()) !== path)
				fail(`${ERROR_ITEM}=${ERROR_VALUE} was accepted: went on to ${redact(page.url())}`);
			const es = await errorSummary(page);
			if (!es)
				fail(`${ERROR_ITEM}=${ERROR_VALUE}: no error summary (#errors) on ${path}`);
			const focus = await page.evaluate(() => document.activeElement &&
			    document.activeElement.id);
			if (focus !== 'errors')
				fail(`${ERROR_ITEM}: the error summary did not take focus (focus on #${focus})`);
			const desc = (await field.getAttribute('aria-describedby')) || '';
			const errId = desc.split(/\s+/).find((x) => x.startsWith('err-'));
			if (!errId || await page.locator(`#${CSS_escape(errId)}`).count() !== 1)
				fail(`${ERROR_ITEM}: the field is not described by its error message ` +
				    `(aria-describedby="${desc}")`);
			await checkPage(`error state (${ERROR_ITEM}=${ERROR_VALUE})`);
			console.log(`    ${ERROR_ITEM}=${ERROR_VALUE} rejected: ${es}`);
			for (const it of items)
				await answerItem(page, it);
		}

		/*
		 * Issue 8, defect 7: switching language keeps what was typed on
		 * the page (nothing saved yet), and back again.
		 */
		async function checkLangSwitch(page, path) {
			const sel = `#${CSS_escape('q-' + ERROR_ITEM)} input${cssName(ERROR_ITEM)}`;
			const typed = await page.locator(sel).inputValue();
			for (const [lang, name] of [['en', 'English'], ['nb', 'Bokmål']]) {
				const nav = page.waitForNavigation({ timeout: NAV_TIMEOUT, waitUntil: 'load' });
				await page.locator(`nav.lang a[hreflang=${lang}]`).click();
				await afterNavigation(page, nav, `switching to ${name} on ${path}`);
				const got = await page.evaluate(() => document.documentElement.lang);
				if (got !== lang || redact(page.url()) !== path)
					fail(`switching to ${name} on ${path}: lang="${got}" on ${redact(page.url())}`);
				const v = await page.locator(sel).inputValue();
				if (v !== typed)
					fail(`switching to ${name} on ${path} lost ${ERROR_ITEM}: "${typed}" became "${v}"`);
			}
			await checkPage('after switching language twice');
			console.log(`    language switched to English and back, ${ERROR_ITEM}="${typed}" kept`);
		}

		/* Screenshots at 360 and 1280 px into build/, to be looked at. */
		async function shots(page, name) {
			for (const w of [NARROW, 1280]) {
				await page.setViewportSize({ width: w, height: VIEWPORT.height });
				await page.screenshot({ path: join(BUILD, `${name}-${w}.png`), fullPage: true });
			}
			await page.setViewportSize(VIEWPORT);
		}

		/*
		 * Issue 8, defects 2 and 5 on the constant-sum page: one wrong box
		 * gets its own message and aria-invalid, the summary leads to it;
		 * at 1280 px each box stays next to its label.
		 */
		async function checkSumPage(page, path, it) {
			const scope = `#${CSS_escape('q-' + it.id)}`;
			const inputs = page.locator(`${scope} .sum-row input`);
			await page.setViewportSize({ width: 1280, height: VIEWPORT.height });
			const far = await page.$$eval(`${scope} .sum-row`, (rows) => rows.map((row) => {
				const l = row.querySelector('label').getBoundingClientRect();
				const i = row.querySelector('input').getBoundingClientRect();
				return Math.round(i.left - l.left);
			}));
			await page.setViewportSize(VIEWPORT);
			if (far.some((d) => d > 320))
				fail(`${it.id} at 1280px: boxes ${far.join(', ')} px from their labels`);
			await inputs.nth(1).fill('fem');
			await clickNav(page, 'next', `"Neste" with a wrong box on ${path}`);
			const bad = await page.$$eval('[aria-invalid="true"]', (els) => els.map((e) => e.id));
			const second = await inputs.nth(1).getAttribute('id');
			if (bad.length !== 1 || bad[0] !== second)
				fail(`${it.id}: aria-invalid on [${bad.join(', ')}], expected only ${second}`);
			const href = await page.locator('#errors a').first().getAttribute('href');
			if (href !== `#${second}`)
				fail(`${it.id}: the error summary links to ${href}, not #${second}`);
			await checkPage(`error state (${it.id}, one wrong box)`);
			await shots(page, 'sum-error');
			await answerItem(page, it);
			console.log(`    ${it.id}: a wrong box named on its own; boxes ${far.join(', ')} px from their labels at 1280px`);
		}

		let resp;
		try {
			resp = await page.goto(link, { timeout: NAV_TIMEOUT, waitUntil: 'load' });
		} catch (e) {
			fail(`cannot open the unit link (is the server running?): ` +
			    e.message.split('\n')[0].replace(/\/(u|r)\/[^/\s]+/g, '/$1/…'));
		}
		if (!resp || !resp.ok())
			fail(`opening the unit link gave HTTP ${resp ? resp.status() : 'no response'}`);
		/* A unit link opens a start page; its button makes the response. */
		if (/^\/u\//.test(new URL(page.url()).pathname)) {
			await checkPage('start page');
			const start = page.locator('main form button[type=submit]');
			if (await start.count() !== 1)
				fail('the start page has no start button');
			await Promise.all([
				page.waitForURL(/\/r\/[^/]+\/1$/, { timeout: NAV_TIMEOUT }),
				start.press('Enter'),
			]);
		}
		if (!/^\/r\/[^/]+\/1$/.test(new URL(page.url()).pathname))
			fail(`the unit link should land on page 1, landed on ${redact(page.url())}`);

		console.log('Pages:');
		let lastPath = null;
		let lastProgress = { value: -1, step: -1 };
		for (let n = 0; ; n++) {
			if (n >= MAX_PAGES)
				fail(`still not at the thank-you page after ${MAX_PAGES} pages`);
			const path = await checkPage();

			if (/\/takk$/.test(new URL(page.url()).pathname)) {
				const h1 = (await page.locator('main h1').textContent() || '').trim();
				if (h1 !== 'Takk for svarene!')
					fail(`thank-you page heading is "${h1}"`);
				await shots(page, 'thanks');
				break;
			}
			if (path === lastPath) {
				const es = await errorSummary(page);
				fail(`stuck on ${path}: "Neste" did not move on` +
				    (es ? ` – the page reports: ${es}` : ''));
			}
			lastPath = path;
			/* Issue 8, defect 4: progress never goes back; the step is in the title. */
			const prog = await page.evaluate(() => {
				const p = document.querySelector('main progress');
				const m = /^Side (\d+) · /.exec(document.querySelector('#progress-label')
				    ?.textContent || '');
				return { value: p ? p.value : -1, step: m ? +m[1] : -1, title: document.title };
			});
			if (prog.step < 0 || !prog.title.startsWith(`Side ${prog.step} – `))
				fail(`${path}: no step in the progress label or the title ("${prog.title}")`);
			if (prog.value < lastProgress.value || prog.step < lastProgress.step)
				fail(`${path}: progress went back (${lastProgress.step}/${lastProgress.value}` +
				    ` -> ${prog.step}/${prog.value})`);
			lastProgress = prog;
			const es = await errorSummary(page);
			if (es)
				fail(`${path} shows an error summary: ${es}`);

			const items = await listItems(page);
			items.forEach((it) => seenItems.add(it.id));
			const isGrid = await page.locator(
			    `fieldset.grid input[name^="${GRID_ID}."]`).count() > 0;

			if (isGrid) {
				if (items.some((it) => it.id !== GRID_ID))
					fail(`${path}: the keyboard page holds more than ${GRID_ID}`);
				await shots(page, 'grid');
				const expected = await answerGridByKeyboard(page);
				const next = await checkPage();
				lastPath = next;
				/* Answer the following page, go back and check Q3_1. */
				const after = await listItems(page);
				after.forEach((it) => seenItems.add(it.id));
				for (const it of after)
					await answerItem(page, it);
				await clickNav(page, 'prev', `"Forrige" on ${next}`);
				if (redact(page.url()) !== path)
					fail(`"Forrige" on ${next} went to ${redact(page.url())}, expected ${path}`);
				await checkPage('back via Forrige');
				await verifyGridSaved(page, expected);
				gridChecked = true;
				console.log(`    ${GRID_ID} saved via keyboard: ` +
				    Object.entries(expected).map(([k, v]) => `${k}=${v}`).join(' '));
				await clickNav(page, 'next', `"Neste" on ${path}`);
				/* Back on the following page: its answers must still be there. */
				for (const it of after.filter((x) => x.kind === 'single')) {
					const want = SINGLE_CHOICE[it.id];
					const got = await page.$$eval(`input[type=radio]${cssName(it.id)}`,
					    (els) => els.filter((e) => e.checked).map((e) => e.value));
					if (want !== undefined && (got.length !== 1 || got[0] !== want))
						fail(`${it.id}: answer lost after Forrige/Neste (checked: ${got.join(',') || 'none'})`);
				}
				lastPath = null;
				continue;	/* re-check this page and move on */
			}

			for (const it of items)
				await answerItem(page, it);
			for (const it of items.filter((x) => x.kind === 'sum'))
				await checkSumPage(page, path, it);
			if (!errorChecked && items.some((it) => it.id === ERROR_ITEM)) {
				await checkLangSwitch(page, path);
				await checkErrorState(page, path, items);
				errorChecked = true;
			}
			await clickNav(page, 'next', `"Neste" on ${path}`);
		}

		if (!gridChecked)
			fail(`never saw the grid page with ${GRID_ID}`);
		const missing = ROUTED.filter((id) => !seenItems.has(id));
		if (missing.length)
			fail(`routed items never shown: ${missing.join(', ')}`);
		if (pageErrors.length)
			fail(`JavaScript errors on the pages: ${pageErrors.join(' | ')}`);

		/* The pages around the questionnaire get the same checks. */
		const origin = new URL(link).origin;
		for (const p of ['/', '/kode', '/personvern', '/tilgjengelighet']) {
			const r = await page.goto(origin + p, { timeout: NAV_TIMEOUT });
			if (!r || !r.ok())
				fail(`${p} gave HTTP ${r ? r.status() : 'no response'}`);
			await checkPage();
		}
		{
			const r = await page.goto(origin + '/finnes-ikke', { timeout: NAV_TIMEOUT });
			if (!r || r.status() !== 404)
				fail(`an unknown path gave HTTP ${r ? r.status() : 'no response'}, not 404`);
			await checkPage('unknown path');
		}
		await page.goto(origin + '/kode', { timeout: NAV_TIMEOUT });
		await page.fill('#code', 'ZZZZZ-ZZZZZ');
		await Promise.all([
			page.waitForLoadState('load'),
			page.press('#code', 'Enter'),
		]);
		if (!(await errorSummary(page)))
			fail('a wrong code on /kode shows no error summary');
		await checkPage('wrong code');
		/* A new respondent on the same link who saves at once. */
		await page.goto(link, { timeout: NAV_TIMEOUT });
		await Promise.all([
			page.waitForURL(/\/r\/[^/]+\/1$/, { timeout: NAV_TIMEOUT }),
			page.locator('main form button[type=submit]').press('Enter'),
		]);
		await Promise.all([
			page.waitForURL(/\/lagret$/, { timeout: NAV_TIMEOUT }),
			page.locator('button[name=nav][value=save]').press('Enter'),
		]);
		await checkPage('saved, with the resume link');
		/* Issue 8, defect 10: the copy button svar.js adds, and what it copies. */
		await context.grantPermissions(['clipboard-read', 'clipboard-write'],
		    { origin: new URL(link).origin });
		const copy = page.locator('p.resume button.copy');
		if (await copy.count() !== 1)
			fail('the saved page has no copy button');
		await copy.click();
		await page.locator('p.resume .copy-status').filter({ hasText: 'kopiert' })
		    .waitFor({ timeout: NAV_TIMEOUT });
		const copied = await page.evaluate(() => navigator.clipboard.readText());
		if (copied !== await page.locator('p.resume a').getAttribute('href'))
			fail('the copy button did not copy the resume link');
		await checkPage('saved, link copied');

		/*
		 * Issue 8, defect 10: the header names the survey's owner, and the
		 * saved page offers to mail the link (test.sh reports a live
		 * sender). A wrong address comes back with its message, focused
		 * and kept as typed; a right one gives the notice.
		 */
		const owner = ((await page.locator('header .owner').textContent()
		    .catch(() => '')) || '').trim();
		if (!owner)
			fail('the header names no owner on the saved page');
		const email = page.locator('section.resume-mail input#email');
		if (await email.count() !== 1)
			fail('the saved page has no "send me the link" form while a sender is alive');
		const typedMail = 'ola.nordmann@eksempel';
		await email.fill(typedMail);
		await Promise.all([
			page.waitForLoadState('load'),
			email.press('Enter'),
		]);
		if (!(await errorSummary(page)))
			fail('a mail address without a domain gave no error summary');
		if (await email.inputValue() !== typedMail)
			fail(`the wrong mail address was not kept as typed: "${await email.inputValue()}"`);
		if (await email.getAttribute('aria-invalid') !== 'true')
			fail('the wrong mail address is not marked aria-invalid');
		await checkPage('saved, wrong mail address');
		await shots(page, 'saved-mail-error');
		await email.fill('ola.nordmann@eksempel.no');
		await Promise.all([
			page.waitForURL(/\/lagret\?sendt=1$/, { timeout: NAV_TIMEOUT }),
			email.press('Enter'),
		]);
		if (await page.locator('section.resume-mail [role=status]').count() !== 1)
			fail('the mailed link gave no notice');
		await checkPage('saved, link mailed');
		console.log(`    header: "${owner}"; link mailed after one wrong address`);
		await shots(page, 'saved');

		const distinct = [...new Set(visited)];
		console.log('');
		console.log(`Pages visited: ${distinct.length} distinct (${visited.length} visits, ` +
		    `each checked with axe and at ${NARROW}px)`);
		console.log(`Items answered: ${seenItems.size}`);

		let bad = false;
		if (overflow.length) {
			bad = true;
			console.log(`Horizontal scrolling on ${overflow.length} page view(s):`);
			for (const o of overflow)
				console.log(`  ${o.path} at ${o.width}px: scrollWidth ${o.scrollWidth}` +
				    (o.wide.length ? `; too wide: ${o.wide.join(', ')}` : ''));
		} else {
			console.log(`Horizontal scrolling: none at ${VIEWPORT.width}px or ${NARROW}px`);
		}

		if (cut.length) {
			bad = true;
			console.log(`Words cut without a hyphen at ${NARROWEST}px on ${cut.length} page view(s):`);
			for (const c of cut)
				console.log(`  ${c.path}: ${[...new Set(c.words)].join(', ')}`);
		} else {
			console.log(`Headings at ${NARROWEST}px: no word cut`);
		}

		if (incomplete.length) {
			const byRule = new Map();
			for (const { path, v } of incomplete) {
				const e = byRule.get(v.id) || { help: v.help, pages: new Set(), nodes: 0 };
				e.pages.add(path);
				e.nodes += v.nodes.length;
				byRule.set(v.id, e);
			}
			console.log('axe "needs review" (not violations; check by hand):');
			for (const [id, e] of byRule)
				console.log(`  ${id}: ${e.help} – ${e.nodes} node(s) on ${e.pages.size} page view(s)`);
		}
		const total = violations.reduce((s, x) => s + x.v.nodes.length, 0);
		console.log(`axe violations (${AXE_TAGS.join(', ')}): ${violations.length} ` +
		    `rule violation(s), ${total} node(s)`);
		for (const { path, label, v } of violations) {
			bad = true;
			console.log(`  ${path}${label ? ' (' + label + ')' : ''}  ${v.id} [${v.impact}] ${v.help}`);
			console.log(`      ${v.helpUrl}`);
			for (const node of v.nodes)
				console.log(`      - ${node.target.join(' ')}`);
		}
		if (bad) {
			console.log('FAILED: the questionnaire was completed, but the page checks above failed');
			return 1;
		}
		console.log('completed: thank-you page reached, 0 axe violations');
		return 0;
	} finally {
		await browser.close();
	}
}

main().then((code) => {
	process.exitCode = code;
}, (e) => {
	if (e instanceof TestFailure)
		console.error(`FAILED: ${e.message}`);
	else
		console.error(`FAILED (error in the test): ${e && e.stack || e}`);
	process.exitCode = 1;
});
