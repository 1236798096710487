/*
 * What the browser tests share: axe-core (WCAG 2.0/2.1 A and AA) on a
 * page, and the widest element when a page scrolls sideways.
 */
export const VIEWPORT = { width: 390, height: 844 };
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];

export async function runAxe(page, axeSource) {
	const has = await page.evaluate(() => typeof window.axe !== 'undefined');
	if (!has)
		await page.addScriptTag({ content: axeSource });
	return page.evaluate(async (tags) => {
		const r = await window.axe.run(document, {
			runOnly: { type: 'tag', values: tags }
		});
		const pick = (list) => list.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			helpUrl: v.helpUrl,
			nodes: v.nodes.map((n) => ({
				target: n.target.map((t) => Array.isArray(t) ? t.join(' >>> ') : t),
				summary: n.failureSummary
			}))
		}));
		return { violations: pick(r.violations), incomplete: pick(r.incomplete),
		    passes: r.passes.length };
	}, AXE_TAGS);
}

export async function overflowAt(page, width) {
	await page.setViewportSize({ width, height: VIEWPORT.height });
	/* Let layout settle (two animation frames). */
	const r = await page.evaluate(() => new Promise((res) => {
		requestAnimationFrame(() => requestAnimationFrame(() => {
			const de = document.documentElement;
			const wide = [];
			if (de.scrollWidth > de.clientWidth) {
				for (const el of document.body.querySelectorAll('*')) {
					const b = el.getBoundingClientRect();
					if (b.right > de.clientWidth + 0.5 && b.width > 0)
						wide.push(el.tagName.toLowerCase() +
						    (el.id ? '#' + el.id : '') +
						    (el.className && typeof el.className === 'string' ?
						    '.' + el.className.trim().split(/\s+/).join('.') : '') +
						    ` (right ${Math.round(b.right)})`);
				}
			}
			res({ scrollWidth: de.scrollWidth, wide: wide.slice(0, 5) });
		}));
	}));
	await page.setViewportSize(VIEWPORT);
	return r;
}


/*
 * Words cut without a hyphen at `width` (issue 8, defect 3): each
 * heading's characters, line by line as rendered; a line that ends
 * between two letters of a word is a cut. This Chromium has no
 * hyphenation dictionaries, so any cut here is one without a hyphen.
 */
export async function cutWords(page, width) {
	await page.setViewportSize({ width, height: VIEWPORT.height });
	const cuts = await page.evaluate(() => new Promise((res) => {
		requestAnimationFrame(() => requestAnimationFrame(() => {
			const out = [];
			const letter = /[\p{L}\p{N}]/u;
			for (const el of document.querySelectorAll('h1, h2, h3, .brand, legend')) {
				const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
				let prev = null;	/* { ch, top } */
				for (let n = walker.nextNode(); n; n = walker.nextNode()) {
					const t = n.data;
					for (let i = 0; i < t.length; i++) {
						const r = document.createRange();
						r.setStart(n, i);
						r.setEnd(n, i + 1);
						const rect = r.getClientRects()[0];
						if (!rect)
							continue;
						if (prev && letter.test(prev.ch) && letter.test(t[i]) &&
						    rect.top > prev.top + 1) {
							const words = el.textContent.trim().split(/\s+/);
							const w = words.find((x) => x.includes(prev.ch + t[i])) ||
							    t.slice(Math.max(0, i - 8), i + 8);
							out.push(`${el.tagName.toLowerCase()}: "${w}"`);
						}
						prev = { ch: t[i], top: rect.top };
					}
				}
			}
			res(out);
		}));
	}));
	await page.setViewportSize(VIEWPORT);
	return cuts;
}
