// The remember handshake's DataChannel messages, checked through their table exactly as frames.ts's control
// parser checks every control message (parseTagged on `t`).
import { describe, expect, it } from 'vitest';
import {
	MAX_DEVICE_NAME_CHARS,
	REMEMBER_MESSAGES,
	cleanDeviceName,
	isBase64Of32Bytes,
} from '../../src/lib/protocol/remember';
import { parseTagged } from '../../src/lib/protocol/validate';

const NONCE = Buffer.from(Uint8Array.from({ length: 32 }, (_, i) => i * 7)).toString('base64');
const parse = (value: unknown) =>
	parseTagged(value, 't', REMEMBER_MESSAGES, { notObject: 'not an object', unknownTag: 'unknown type' });

describe('remember messages', () => {
	it('accepts a request, an accept, a decline and a forget', () => {
		const good = [
			{ t: 'remember-request', name: 'Chrome on Android', nonce: NONCE },
			{ t: 'remember-accept', name: 'Anna’s laptop 👩‍💻', nonce: NONCE },
			{ t: 'remember-decline' },
			{ t: 'forget' },
		];
		for (const message of good) expect(parse(message)).toEqual({ ok: true, value: message });
	});

	it('refuses unknown fields, as every control message does', () => {
		expect(parse({ t: 'remember-decline', reason: 'x' })).toEqual({
			ok: false,
			error: 'remember-decline has unknown fields',
		});
		expect(parse({ t: 'forget', id: 'AbCdEfGhIjKlMnOpQrSt' }).ok).toBe(false);
	});

	it('refuses a nonce that is not the base64 of exactly 32 bytes', () => {
		const nonces = [
			undefined,
			42,
			'',
			NONCE.slice(0, -1),
			`${NONCE}=`,
			Buffer.alloc(31).toString('base64'),
			Buffer.alloc(33).toString('base64'),
			NONCE.replace(/=$/, ''),
			`${NONCE.slice(0, 42)}B=`, // a non-zero bit beyond the 32nd byte: not the canonical encoding
			`${NONCE.slice(0, 10)}-${NONCE.slice(11)}`, // base64url, not base64
			` ${NONCE}`,
		];
		for (const nonce of nonces) {
			expect(parse({ t: 'remember-request', name: 'Phone', nonce })).toEqual({
				ok: false,
				error: 'nonce must be the base64 of 32 bytes',
			});
		}
		expect(isBase64Of32Bytes(Buffer.alloc(32, 255).toString('base64'))).toBe(true);
	});

	it('refuses a name that is empty, too long, or not as cleanDeviceName leaves it', () => {
		const reason = `name must be 1 to ${MAX_DEVICE_NAME_CHARS} characters with no control or invisible formatting character, no space at either end or two in a row`;
		const names = [
			undefined,
			7,
			'',
			' Phone',
			'Phone ',
			'My  phone',
			'line\nbreak',
			'tab\there',
			'bell\u0007',
			'invoice\u202Efdp',
			'zero\u200Bwidth',
			'\uFEFFbom',
			'lone \uD800 surrogate',
			'x'.repeat(MAX_DEVICE_NAME_CHARS + 1),
		];
		for (const name of names) {
			expect(parse({ t: 'remember-accept', name, nonce: NONCE })).toEqual({ ok: false, error: reason });
		}
		expect(parse({ t: 'remember-accept', name: 'x'.repeat(MAX_DEVICE_NAME_CHARS), nonce: NONCE }).ok).toBe(
			true,
		);
	});
});

describe('cleanDeviceName', () => {
	it('drops control, format and lone surrogate characters and folds runs of space into one', () => {
		expect(cleanDeviceName('  My\tnew\n\nphone\u2028 ')).toBe('My new phone');
		expect(cleanDeviceName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
		expect(cleanDeviceName('a\u200Bb\uFEFFc\u00ADd\u0000e\u007Ff\uD800g')).toBe('abcdefg');
	});

	it('keeps a zero-width joiner that draws one emoji, and composes to NFC', () => {
		expect(cleanDeviceName('👩‍💻 laptop')).toBe('👩‍💻 laptop');
		expect(cleanDeviceName('Cafe\u0301')).toBe('Café');
	});

	it('cuts to MAX_DEVICE_NAME_CHARS code points without leaving half a character or a space at the end', () => {
		const cut = cleanDeviceName(`${'a'.repeat(MAX_DEVICE_NAME_CHARS - 2)} 😀😀😀`);
		expect([...cut]).toHaveLength(MAX_DEVICE_NAME_CHARS);
		expect(cut.endsWith('😀')).toBe(true);
		expect(cleanDeviceName(`${'a'.repeat(MAX_DEVICE_NAME_CHARS - 1)} b`)).toBe(
			'a'.repeat(MAX_DEVICE_NAME_CHARS - 1),
		);
		expect(cleanDeviceName(`${'a'.repeat(MAX_DEVICE_NAME_CHARS - 2)}👩‍💻`)).toBe(
			`${'a'.repeat(MAX_DEVICE_NAME_CHARS - 2)}👩`,
		);
	});

	it('gives what its own validator accepts, for any input', () => {
		const inputs = ['Phone', ' \n ', '\u202E', `${'é'.repeat(80)}`, '👩‍💻👩‍💻', 'a\u200D\u200Db', '\uDFFF'];
		for (const input of inputs) {
			const name = cleanDeviceName(input);
			if (name === '') continue;
			expect(cleanDeviceName(name)).toBe(name);
			expect(parse({ t: 'remember-request', name, nonce: NONCE }).ok).toBe(true);
		}
	});
});
