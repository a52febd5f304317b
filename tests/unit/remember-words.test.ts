// What the remember handshake tells the user is a code; each has its words in every language, which the
// messages test then keeps complete and not left in English.
import { describe, expect, it } from 'vitest';
import { english, type Messages } from '../../src/lib/errors';
import * as german from '../../src/lib/paraglide/messages/de.js';
import { REMEMBER_NOTICES } from '../../src/lib/pairing/remember';
import { rememberNoticeText } from '../../src/lib/ui/remember-words';

describe('rememberNoticeText', () => {
	it('words every notice, each differently, in English and in German', () => {
		for (const messages of [english, german as unknown as Messages]) {
			const words = REMEMBER_NOTICES.map((code) => rememberNoticeText(messages, { code }));
			expect(words.every((text) => text.length > 10)).toBe(true);
			expect(new Set(words).size).toBe(REMEMBER_NOTICES.length);
		}
		expect(rememberNoticeText(english, { code: 'declined' })).toBe(
			'The other device did not agree to remember this one. Nothing was stored.',
		);
		expect(rememberNoticeText(german as unknown as Messages, { code: 'declined' })).toBe(
			'Das andere Gerät wollte sich dieses nicht merken. Es wurde nichts gespeichert.',
		);
	});
});
