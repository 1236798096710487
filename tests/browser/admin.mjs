#!/usr/bin/env node
/*
 * Svar admin browser test: logs in with the keyboard only (user name,
 * password, then a TOTP code computed here from the secret, RFC 6238),
 * visits every admin page with axe-core and the 360 px check, sees the
 * error states of the definition form and of enrolment, previews a
 * version; then the recruitment path: imports the frame, draws a sample
 * of 40 kommuner, sends the request to one unit, accepts in its portal,
 * answers through its link, and sees the unit's stage follow; logs out.
 *
 *   SVAR_ADMIN_URL=http://127.0.0.1:8898 SVAR_ADMIN_USER=demo \
 *   SVAR_ADMIN_PASSWORD=... SVAR_ADMIN_SECRET=BASE32... \
 *   SVAR_ENROL_PATH=/admin/enrol/... node tests/browser/admin.mjs
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { runAxe, overflowAt, VIEWPORT, CHROMIUM_ARGS } from './lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const AXE_PATH = join(HERE, 'node_modules', 'axe-core', 'axe.min.js');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const NARROW = 360;

function need(name) {
	const v = process.env[name];
	if (!v) {
		console.error(`admin.mjs: set ${name}`);
		process.exit(1);
	}
	return v;
}

function base32(s) {
	const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0, acc = 0;
	const out = [];
	for (const c of s.replace(/[\s=]/g, '').toUpperCase()) {
		acc = (acc << 5) | abc.indexOf(c);
		bits += 5;
		if (bits >= 8) {
			out.push((acc >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

/* RFC 6238: HMAC-SHA1 over the 30-second step, six digits. */
function totp(secret, steps = 0) {
	const step = Math.floor(Date.now() / 1000 / 30) + steps;
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const mac = createHmac('sha1', base32(secret)).update(msg).digest();
	const off = mac[mac.length - 1] & 0x0f;
	const bin = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
	return String(bin).padStart(6, '0');
}

async function main() {
	const base = need('SVAR_ADMIN_URL');
	const user = need('SVAR_ADMIN_USER');
	const password = need('SVAR_ADMIN_PASSWORD');
	const secret = need('SVAR_ADMIN_SECRET');
	const enrol = need('SVAR_ENROL_PATH');
	const axeSource = await readFile(AXE_PATH, 'utf8');
	const problems = [];
	let pages = 0;

	const browser = await chromium.launch({ executablePath: CHROMIUM,
	    headless: true, args: CHROMIUM_ARGS });
	try {
		const context = await browser.newContext({ viewport: VIEWPORT,
		    bypassCSP: true, locale: 'nb-NO' });
		context.setDefaultTimeout(20_000);
		const page = await context.newPage();
		page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

		async function check(p, label) {
			const path = new URL(p.url()).pathname
			    .replace(/^\/(r|u|k|admin\/enrol)\/[^/]+/, '/$1/…');
			const res = await runAxe(p, axeSource);
			if (res.passes === 0)
				problems.push(`axe did not run on ${path}`);
			for (const v of res.violations)
				problems.push(`${path} (${label}): ${v.id}: ${v.help} ` +
				    v.nodes.map((n) => n.target.join(' ')).join(', '));
			for (const w of [VIEWPORT.width, NARROW]) {
				const o = await overflowAt(p, w);
				if (o.scrollWidth > w)
					problems.push(`${path} scrolls sideways at ${w} px: ` +
					    o.wide.join(', '));
			}
			const h1 = (await p.locator('main h1').first()
			    .textContent()).trim();
			console.log(`  ${path.padEnd(22)} ${h1}  (${label})`);
			pages++;
		}

		/* The way in, by keyboard: Tab to each field, Enter to send. */
		await page.goto(`${base}/admin`);
		if (!page.url().endsWith('/admin/login'))
			throw new Error(`no session should mean the login page, got ${page.url()}`);
		await check(page, 'login');
		await page.keyboard.press('Tab');	/* skip link */
		await page.keyboard.press('Tab');	/* bokmål */
		await page.keyboard.press('Tab');	/* English */
		await page.keyboard.press('Tab');
		await page.keyboard.type('no-such-user');
		await page.keyboard.press('Tab');
		await page.keyboard.type('wrong password');
		await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
		await check(page, 'wrong password');
		await page.fill('#name', user);
		await page.focus('#password');
		await page.keyboard.type(password);
		await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
		if (!page.url().endsWith('/admin/login/kode'))
			throw new Error(`password step went to ${page.url()}`);
		await check(page, 'code');
		await page.focus('#code');
		await page.keyboard.type(totp(secret));
		await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
		if (!page.url().endsWith('/admin'))
			throw new Error(`code step went to ${page.url()}`);
		await check(page, 'surveys');

		await page.goto(`${base}/admin/definitions`);
		await check(page, 'definition form');
		await page.fill('#source', 'survey x\nwave 2030\npage p1 "P"\n  single Q1\n    scale SC_NONE\n');
		await Promise.all([page.waitForNavigation(),
		    page.click('button.primary')]);
		const errs = await page.locator('.error-summary li').count();
		if (errs === 0)
			problems.push('a broken definition showed no errors');
		await check(page, 'definition refused');

		await page.goto(`${base}/admin/audit`);
		await check(page, 'audit log');
		if (!(await page.content()).includes('<td>login</td>'))
			problems.push('the login is not in the audit log');

		/* Preview the HF version in English: a test response. */
		await page.goto(`${base}/admin`);
		await Promise.all([page.waitForNavigation(),
		    page.click('form[action$="/preview"] button[value="en"]')]);
		if (!/\/r\/[a-z0-9]{34}\/1$/.test(page.url()))
			problems.push(`preview went to ${page.url()}`);
		else
			await check(page, 'preview (en)');

		/*
		 * Issue 10's path: import the frame, plan and draw 40 kommuner,
		 * give one a postmottak, send the request, accept through the
		 * unit's portal, answer through its link, see the stage follow.
		 */
		await page.goto(`${base}/admin/frame`);
		await check(page, 'frame, empty');
		await Promise.all([page.waitForNavigation(),
		    page.click('button[value="import"]')]);
		await check(page, 'frame imported');
		await page.fill('#n', '40');
		await page.check('#strata-fylke');
		await page.fill('#seed', '20211020');
		await Promise.all([page.waitForNavigation(),
		    page.click('button[value="plan"]')]);
		await check(page, 'sample plan');
		await Promise.all([page.waitForNavigation(),
		    page.click('button[value="draw"]')]);
		if (!(await page.content()).includes('Kommuner trukket inn i utvalget: 40'))
			problems.push('the sample of 40 was not drawn');
		await check(page, 'sample drawn');
		await page.goto(`${base}/admin/units?kind=kommune&wave=` +
		    await page.locator('#wave').inputValue());
		await check(page, 'units');
		await Promise.all([page.waitForNavigation(),
		    page.locator('table a[href^="/admin/units/"]').first().click()]);
		const unitUrl = page.url();
		await check(page, 'unit');
		await page.fill('#postmottak', 'postmottak@browser-test.invalid');
		await Promise.all([page.waitForNavigation(),
		    page.click('button[value="postmottak"]')]);
		await page.goto(`${base}/admin/frame`);
		await page.selectOption('#rkind', 'kommune');
		await Promise.all([page.waitForNavigation(),
		    page.click('form[action="/admin/recruit"] button')]);
		await page.goto(`${base}/admin/outbox`);
		await check(page, 'outbox');
		if (!(await page.content()).includes('postmottak@browser-test.invalid'))
			problems.push('the recruitment request is not in the outbox');
		await page.goto(`${base}/admin/letters`);
		await check(page, 'letters');
		await page.goto(unitUrl);
		const portal = (await page.locator('dd code.secret').first()
		    .textContent()).trim();
		const cp = await browser.newContext({ viewport: VIEWPORT,
		    bypassCSP: true, locale: 'nb-NO' });
		const pp = await cp.newPage();
		await pp.goto(portal);
		await check(pp, 'portal');
		await pp.fill('#name', 'Kari Kontakt');
		await pp.fill('#email', 'feil');
		await Promise.all([pp.waitForNavigation(),
		    pp.click('button[value="contact"]')]);
		await check(pp, 'portal, error');
		await pp.fill('#email', 'kari@browser-test.invalid');
		await Promise.all([pp.waitForNavigation(),
		    pp.click('button[value="contact"]')]);
		await Promise.all([pp.waitForNavigation(),
		    pp.click('button[value="accept"]')]);
		await check(pp, 'portal, taking part');
		/* The contact person gets the portal link in their own mail. */
		await page.goto(`${base}/admin/outbox`);
		if (!(await page.content()).includes('kari@browser-test.invalid'))
			problems.push('no portal invitation to the contact person');
		await page.goto(`${base}/admin/remind`);
		await check(page, 'reminders');
		await Promise.all([page.waitForNavigation(),
		    page.click('button[value="add"]')]);
		await Promise.all([page.waitForNavigation(),
		    page.locator('#rules a').first().click()]);
		await check(page, 'reminders, preview');
		await page.goto(`${base}/admin/mail`);
		await check(page, 'mail texts');
		if (await pp.locator('.qr-box svg').count() === 0)
			problems.push('no QR code in the portal');
		const link = (await pp.locator('.poster code.secret').first()
		    .textContent()).trim();
		await pp.fill('#forwarded', '12');
		await Promise.all([pp.waitForNavigation(),
		    pp.click('button[value="forwarded"]')]);
		/* A colleague answers through the link, pressing Neste only. */
		const rc = await browser.newContext({ viewport: VIEWPORT,
		    bypassCSP: true, locale: 'nb-NO' });
		const rp = await rc.newPage();
		await rp.goto(link);
		await Promise.all([rp.waitForNavigation(),
		    rp.click('button.primary')]);
		for (let i = 0; i < 40 && !rp.url().endsWith('/takk'); i++)
			await Promise.all([rp.waitForNavigation(),
			    rp.click('button[value="next"]')]);
		if (!rp.url().endsWith('/takk'))
			problems.push('the respondent did not reach the thank-you page');
		await rc.close();
		await cp.close();
		await page.goto(unitUrl);
		if (!(await page.content()).includes('<dd>har svar'))
			problems.push('the unit did not move to responding');
		await check(page, 'unit, responding');
		/* The funnel, and a count followed to its units. */
		await page.goto(`${base}/admin/funnel`);
		await check(page, 'funnel');
		/* Stages, break-off, completions over time, stage moves. */
		if (await page.locator('svg.chart').count() !== 4)
			problems.push('the funnel page lacks its four charts');
		await Promise.all([page.waitForNavigation(),
		    page.locator('a[href*="reached=invited"]').first().click()]);
		await check(page, 'units behind a count');
		/* Results: the items, one item by version, the open texts. */
		await page.goto(`${base}/admin/results`);
		await check(page, 'results');
		await Promise.all([page.waitForNavigation(),
		    page.locator('ul.items a').first().click()]);
		await page.goto(`${page.url()}&by=version`);
		await check(page, 'results of an item by version');
		if (await page.locator('svg.chart').count() < 1)
			problems.push('the results page lacks its chart');
		await page.goto(`${base}/admin/open`);
		await check(page, 'open answers');

		/* Log out: the admin pages send us to log in again. */
		await page.goto(`${base}/admin`);
		await Promise.all([page.waitForNavigation(),
		    page.click('form.logout button')]);
		await page.goto(`${base}/admin/audit`);
		if (!page.url().endsWith('/admin/login'))
			problems.push(`after logout /admin/audit went to ${page.url()}`);

		/* Enrolment, and its error state (in a fresh context). */
		const other = await browser.newContext({ viewport: VIEWPORT,
		    bypassCSP: true, locale: 'nb-NO' });
		const ep = await other.newPage();
		await ep.goto(`${base}${enrol}`);
		await check(ep, 'enrolment');
		if (await ep.locator('svg.qr path').count() !== 1)
			problems.push('no QR code on the enrolment page');
		await ep.fill('#password', 'kort');
		await ep.fill('#password2', 'kort');
		await ep.fill('#code', '000000');
		await Promise.all([ep.waitForNavigation(), ep.click('button.primary')]);
		await check(ep, 'enrolment errors');
		await other.close();
	} finally {
		await browser.close();
	}
	console.log(`Admin pages checked: ${pages}`);
	if (problems.length) {
		for (const p of problems)
			console.log(`FAIL: ${p}`);
		console.log(`admin axe violations or failures: ${problems.length}`);
		process.exit(1);
	}
	console.log('admin: logged in with TOTP, every page 0 axe violations, logged out');
}

main().catch((e) => {
	console.error(`FAIL: ${e.stack || e}`);
	process.exit(1);
});
