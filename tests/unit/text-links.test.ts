// Received text comes from the other device: only http(s) URLs may become links, checked by the URL parser.
import { describe, expect, it } from 'vitest';
import { linkParts } from '../../src/lib/pairing/text-links';

const link = (text: string, href = text) => ({ text, href });

describe('linkParts', () => {
	it('leaves text without a URL as one part, and no part for no text', () => {
		expect(linkParts('hello, world')).toEqual([{ text: 'hello, world' }]);
		expect(linkParts('')).toEqual([]);
	});

	it('makes links of http and https URLs, the text between them kept as it was', () => {
		expect(linkParts('see https://example.com/a?b=c#d and http://10.0.0.2:8080/x now')).toEqual([
			{ text: 'see ' },
			link('https://example.com/a?b=c#d'),
			{ text: ' and ' },
			link('http://10.0.0.2:8080/x'),
			{ text: ' now' },
		]);
		expect(linkParts('https://a.example\nhttps://b.example/')).toEqual([
			link('https://a.example', 'https://a.example/'),
			{ text: '\n' },
			link('https://b.example/'),
		]);
	});

	it('makes no link of any other scheme, in any case', () => {
		const texts = [
			'javascript:alert(1)',
			'JavaScript:alert(1)',
			'JAVASCRIPT://%0aalert(1)',
			' javascript:alert(document.cookie)',
			'data:text/html,<script>alert(1)</script>',
			'file:///etc/passwd',
			'vbscript:msgbox(1)',
			'mailto:someone@example.com',
			'ftp://example.com/file',
			'blob:https://example.com/uuid',
			'intent://scan/#Intent;scheme=zxing;end',
		];
		for (const text of texts) expect(linkParts(text), text).toEqual([{ text }]);
	});

	it('reads the scheme in any case, and links to what the URL parser made of it', () => {
		expect(linkParts('HtTpS://Example.COM/Path')).toEqual([
			link('HtTpS://Example.COM/Path', 'https://example.com/Path'),
		]);
	});

	it('makes no link of a URL inside a word, or of one that shows another host than it opens', () => {
		// A user name before the host, or an invisible character that reorders or hides part of what is shown.
		const texts = [
			'evilhttps://example.com',
			'x.https://example.com',
			'see:https://example.com',
			'https://www.bank.example@evil.example/login',
			'https://user:password@example.com/',
			'https://',
			'https:///path',
			'http://[bad',
			'https://evil.example/\u202Emoc.elpmaxe',
			'https://evil.example\u200B.bank.example/',
		];
		for (const text of texts) expect(linkParts(text), text).toEqual([{ text }]);
	});

	it('does not swallow punctuation after a URL, but keeps brackets the URL opened', () => {
		expect(linkParts('Go to https://example.com/x.')).toEqual([
			{ text: 'Go to ' },
			link('https://example.com/x'),
			{ text: '.' },
		]);
		expect(linkParts('(see https://en.wikipedia.org/wiki/Rust_(programming_language)), ok?')).toEqual([
			{ text: '(see ' },
			link('https://en.wikipedia.org/wiki/Rust_(programming_language)'),
			{ text: '), ok?' },
		]);
		expect(linkParts('"https://example.com/q?x=1"; <https://example.com/>!')).toEqual([
			{ text: '"' },
			link('https://example.com/q?x=1'),
			{ text: '"; <' },
			link('https://example.com/'),
			{ text: '>!' },
		]);
		expect(linkParts('‘https://example.com/a’… 「https://example.jp/」。')).toEqual([
			{ text: '‘' },
			link('https://example.com/a'),
			{ text: '’… 「' },
			link('https://example.jp/'),
			{ text: '」。' },
		]);
	});

	it('keeps unicode as written, and links to its encoded form', () => {
		expect(linkParts('写真 https://例え.jp/パス?q=é 👍')).toEqual([
			{ text: '写真 ' },
			link('https://例え.jp/パス?q=é', 'https://xn--r8jz45g.jp/%E3%83%91%E3%82%B9?q=%C3%A9'),
			{ text: ' 👍' },
		]);
	});

	it('takes time in proportion to the text, whatever it holds', () => {
		const n = 200_000;
		const inputs = [
			'https://a.example/' + ')'.repeat(n),
			'https://a.example/' + '.'.repeat(n),
			'https://a.example/' + '('.repeat(n) + ')'.repeat(n),
			'https://'.repeat(n / 8),
			'https:// '.repeat(n / 9),
			'xhttps://a '.repeat(n / 11),
			'https://a.example/ '.repeat(n / 19),
		];
		const start = performance.now();
		for (const text of inputs) {
			const parts = linkParts(text);
			expect(parts.map((part) => part.text).join('')).toBe(text);
		}
		expect(performance.now() - start).toBeLessThan(3_000);
	});
});
