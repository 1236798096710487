/*
 * Svar – progressive enhancement for the respondent pages.
 * Everything here is optional: the server validates and renders all
 * state, so each feature silently does nothing if its markup is absent.
 */
(function () {
	'use strict';

	var doc = document;

	function all(sel, root) {
		return Array.prototype.slice.call((root || doc).querySelectorAll(sel));
	}

	function pageLang() {
		var l = (doc.documentElement.getAttribute('lang') || 'nb');
		return l.toLowerCase().split('-')[0];
	}

	var SUM_LABELS = {
		nb: 'Sum: {n} av {t}',
		nn: 'Sum: {n} av {t}',
		en: 'Total: {n} of {t}'
	};

	/* Mirrors the server: trimmed, optional '+', digits only. */
	var INT_RE = /^\+?\d+$/;

	function initSums() {
		all('fieldset.sum').forEach(function (fs) {
			var out = fs.querySelector('.sum-total');
			if (!out)
				return;
			var inputs = all('.sum-row input', fs);
			var total = out.getAttribute('data-total') || '';
			var label = out.getAttribute('data-label') ||
			    SUM_LABELS[pageLang()] || SUM_LABELS.nb;

			function update() {
				var n = 0;
				inputs.forEach(function (i) {
					var v = i.value.trim();
					/* Bad values are the server's to report. */
					if (INT_RE.test(v))
						n += parseInt(v, 10);
				});
				/* A function replacer so '$' in a label is literal. */
				out.textContent = label
				    .replace(/\{n\}/g, function () { return String(n); })
				    .replace(/\{t\}/g, function () { return total; });
			}

			fs.addEventListener('input', update);
			update();
		});
	}

	/* Checkboxes sharing a name within the same form (or the page). */
	function siblings(box) {
		var scope = box.form || doc;
		return all('input[type="checkbox"]', scope).filter(function (c) {
			return c !== box && c.name === box.name;
		});
	}

	function onExclusiveChange(e) {
		var t = e.target;
		if (!t || t.type !== 'checkbox' || !t.checked || !t.name)
			return;
		var exclusive = t.hasAttribute('data-exclusive');
		siblings(t).forEach(function (c) {
			if (exclusive || c.hasAttribute('data-exclusive'))
				c.checked = false;
		});
	}

	function initOther() {
		all('.other[data-other-code]').forEach(function (div) {
			var text = div.querySelector('input[type="text"]');
			var fs = div.closest('fieldset');
			if (!text || !fs || !/\.other$/.test(text.name))
				return;
			var id = text.name.slice(0, -'.other'.length) + '-' +
			    div.getAttribute('data-other-code');
			var opt = all('input[type="radio"], input[type="checkbox"]',
			    fs).filter(function (i) { return i.id === id; })[0];
			if (!opt)
				return;
			text.addEventListener('input', function () {
				if (opt.checked || text.value.trim() === '')
					return;
				opt.checked = true;
				/* Let the exclusive-checkbox logic see it. */
				opt.dispatchEvent(new Event('change', { bubbles: true }));
			});
		});
	}

	function firstField(item) {
		return item.querySelector('input:not([type="hidden"]):not([disabled]),' +
		    ' textarea:not([disabled]), select:not([disabled])');
	}

	function initErrorSummary() {
		var summary = doc.getElementById('errors');
		if (!summary)
			return;
		summary.focus();
		/*
		 * Links point at the question's wrapper; move focus to its first
		 * field so keyboard users can answer straight away, but scroll
		 * the wrapper into view so the question text stays visible.
		 */
		summary.addEventListener('click', function (e) {
			var a = e.target.closest ? e.target.closest('a[href^="#"]') : null;
			if (!a)
				return;
			var item;
			try {
				item = doc.getElementById(decodeURIComponent(a.hash.slice(1)));
			} catch (err) {
				return;
			}
			var field = item ? firstField(item) : null;
			if (!field)
				return;
			e.preventDefault();
			item.scrollIntoView();
			field.focus({ preventScroll: true });
		});
	}

	/*
	 * Ignore repeat submits for 5 s rather than disabling buttons: a
	 * disabled button drops its name/value (nav=next|prev|save).
	 */
	var BUSY_MS = 5000;
	var busyUntil = new WeakMap();

	function onSubmit(e) {
		var f = e.target;
		if (e.defaultPrevented)
			return;
		var now = Date.now();
		if ((busyUntil.get(f) || 0) > now) {
			e.preventDefault();
			return;
		}
		busyUntil.set(f, now + BUSY_MS);
	}

	/* Back/forward cache restores the old page: let it submit again. */
	function onPageShow(e) {
		if (e.persisted)
			busyUntil = new WeakMap();
	}

	/*
	 * On a questionnaire page the language links post the page as a save
	 * with the new language (nav=lang), so what was typed stays. Without
	 * JavaScript they are plain links that switch language.
	 */
	function initLangSwitch() {
		var form = doc.querySelector('main form button[name=nav][value=next]');
		form = form && form.form;
		if (!form)
			return;
		all('nav.lang a[hreflang]').forEach(function (a) {
			a.addEventListener('click', function (e) {
				if (e.defaultPrevented || e.button !== 0 || e.ctrlKey ||
				    e.metaKey || e.shiftKey || e.altKey)
					return;
				e.preventDefault();
				[['nav', 'lang'], ['lang', a.getAttribute('hreflang')]]
				    .forEach(function (kv) {
					var i = doc.createElement('input');
					i.type = 'hidden';
					i.name = kv[0];
					i.value = kv[1];
					form.appendChild(i);
				});
				form.submit();
			});
		});
	}

	/*
	 * A copy button for the resume link on the saved page, where the
	 * browser lets a page write to the clipboard; the link stays a link.
	 */
	function initCopy() {
		var p = doc.querySelector('p.resume[data-copy]');
		var a = p && p.querySelector('a');
		if (!a || !navigator.clipboard || !window.isSecureContext)
			return;
		var btn = doc.createElement('button');
		btn.type = 'button';
		btn.className = 'secondary copy';
		btn.textContent = p.getAttribute('data-copy');
		var status = doc.createElement('span');
		status.className = 'copy-status';
		status.setAttribute('role', 'status');
		btn.addEventListener('click', function () {
			navigator.clipboard.writeText(a.href).then(function () {
				status.textContent = p.getAttribute('data-copied');
			}, function () {
				status.textContent = '';
			});
		});
		p.appendChild(doc.createTextNode(' '));
		p.appendChild(btn);
		p.appendChild(doc.createTextNode(' '));
		p.appendChild(status);
	}

	function init() {
		initCopy();
		initSums();
		initOther();
		initErrorSummary();
		initLangSwitch();
	}

	doc.addEventListener('change', onExclusiveChange);
	doc.addEventListener('submit', onSubmit);
	window.addEventListener('pageshow', onPageShow);

	if (doc.readyState === 'loading')
		doc.addEventListener('DOMContentLoaded', init);
	else
		init();
})();
