#!/usr/bin/env node
/*
 * Svar admin browser test: logs in with the keyboard only (user name,
 * password, then a TOTP code computed here from the secret, RFC 6238),
 * visits every admin page with axe-core and the 360 px check, sees the
 * error states of the definition form and of enrolment, previews a
 * version, and logs out.
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
			    .replace(/^\/(r|admin\/enrol)\/[^/]+/, '/$1/…');
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
