import { describe, expect, it } from 'vitest';
import { isShareId, refusedReason, sharedText } from '../../src/lib/pwa/share-store';

describe('share store, pure parts', () => {
	it('looks up only ids the service worker makes', () => {
		expect(isShareId(crypto.randomUUID())).toBe(true);
		for (const id of [
			'',
			'..',
			'../meta',
			'abc',
			`${crypto.randomUUID()}/0`,
			crypto.randomUUID().toUpperCase(),
		]) {
			expect(isShareId(id), id).toBe(false);
		}
	});

	it('reads only the refusal reasons the service worker sets', () => {
		expect(refusedReason('too-large')).toBe('too-large');
		expect(refusedReason('not-stored')).toBe('not-stored');
		expect(refusedReason(null)).toBeNull();
		expect(refusedReason('anything')).toBeNull();
	});

	it('joins title, text and URL without repeating a URL the text carries', () => {
		expect(sharedText('Trip', 'Pictures', 'https://example.org/')).toBe(
			'Trip\nPictures\nhttps://example.org/',
		);
		expect(sharedText('', 'See https://example.org/', 'https://example.org/')).toBe(
			'See https://example.org/',
		);
		expect(sharedText(' ', '', '')).toBe('');
	});
});
