import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64, fromBase64Url, toBase64, toBase64Url } from '../../src/lib/protocol/base64';

describe('base64', () => {
	it('writes and reads what Node writes, at every length modulo 3', () => {
		for (const length of [0, 1, 2, 3, 31, 32, 33, 1000]) {
			const bytes = new Uint8Array(randomBytes(length));
			expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
			expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
			expect(fromBase64(toBase64(bytes))).toEqual(bytes);
			expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
		}
	});

	it('reads no base64url text that has standard characters, padding or an impossible length', () => {
		for (const text of ['ab+c', 'ab/c', 'abc=', 'abcde', 'ab c']) expect(fromBase64Url(text)).toBe(null);
	});
});
