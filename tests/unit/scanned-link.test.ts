import { describe, expect, it } from 'vitest';
import { isIosSafari } from '../../src/lib/pwa/platform';
import { checkScannedLink } from '../../src/lib/pwa/scanned-link';
import { sharedText } from '../../src/lib/pwa/share-store';

const ORIGIN = 'https://pairbeam.app';
const FRAGMENT = `${'a'.repeat(20)}.${'b'.repeat(32)}.${'c'.repeat(32)}`;

describe('checkScannedLink', () => {
	it('accepts a pairing link of this origin', () => {
		expect(checkScannedLink(` ${ORIGIN}/j#${FRAGMENT}\n`, ORIGIN)).toEqual({
			ok: true,
			value: { id: 'a'.repeat(20), token: 'b'.repeat(32), key: 'c'.repeat(32) },
		});
	});

	it.each([
		['https://example.com/', 'is not a Pairbeam pairing code'],
		['plain text', 'is not a Pairbeam pairing code'],
		[FRAGMENT, 'is not a Pairbeam pairing code'],
		[`https://pairbeam.app.evil.example/j#${FRAGMENT}`, 'leads to another site (pairbeam.app.evil.example)'],
		[`http://pairbeam.app/j#${FRAGMENT}`, 'leads to another site (pairbeam.app)'],
		[`${ORIGIN}/j#${FRAGMENT}.extra`, 'extra text'],
		[`${ORIGIN}/j#abc`, 'incomplete'],
	])('refuses %s', (text, message) => {
		const checked = checkScannedLink(text, ORIGIN);
		expect(checked.ok).toBe(false);
		if (!checked.ok) expect(checked.error.message).toContain(message);
	});
});

describe('isIosSafari', () => {
	it('tells iOS Safari from other browsers', () => {
		const iphone =
			'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
		const ipad =
			'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';
		expect(isIosSafari(iphone, 5)).toBe(true);
		expect(isIosSafari(ipad, 5)).toBe(true);
		expect(isIosSafari(ipad, 0)).toBe(false);
		expect(isIosSafari(iphone.replace('Version/18.1', 'CriOS/131.0'), 5)).toBe(false);
	});
});

describe('sharedText', () => {
	it('joins title, text and a URL the text does not already carry', () => {
		expect(sharedText('Trip', 'Look', 'https://x.example/')).toBe('Trip\nLook\nhttps://x.example/');
		expect(sharedText('', 'See https://x.example/', 'https://x.example/')).toBe('See https://x.example/');
		expect(sharedText(' ', '', '')).toBe('');
	});
});
