import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	deriveKeys,
	fingerprints,
	signDescription,
	verificationCode,
	verifyDescription,
} from '../../src/lib/rtc/sdp-auth';

const KEY = 'k'.repeat(16) + 'Q1w2E3r4T5y6U7i8';
const SESSION = 'AbCdEfGhIjKlMnOpQrSt';
const FP_A =
	'6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08';
const FP_B =
	'AA:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:09';
const sdp = (fp: string) =>
	`v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 ${fp}\r\na=setup:actpass\r\n`;

/** The same derivation with Node's own HKDF and HMAC, independent of the code under test. */
function expectedTag(role: string, type: string, fps: string[]): string {
	const key = Buffer.from(hkdfSync('sha256', KEY, `pairbeam/v1/${SESSION}`, 'sdp-auth', 32));
	const text = ['pairbeam-sdp-v1', role, type, ...fps].join('\n');
	return createHmac('sha256', key).update(text).digest('base64url');
}

describe('fingerprints', () => {
	it('extracts and normalises every a=fingerprint line', () => {
		const text = `v=0\r\na=fingerprint:SHA-256 ${FP_A.toLowerCase()}\r\nm=application\r\na=fingerprint:sha-1 0A:0B\r\n`;
		expect(fingerprints(text)).toEqual([`sha-256 ${FP_A}`, 'sha-1 0A:0B']);
		expect(fingerprints('v=0\r\n')).toEqual([]);
	});
});

describe('SDP authentication', () => {
	it('derives keys by HKDF-SHA-256 and tags fingerprints exactly as an independent implementation does', async () => {
		const keys = await deriveKeys(KEY, SESSION);
		const tag = await signDescription(keys, 'guest', 'offer', sdp(FP_A));
		expect(tag).toBe(expectedTag('guest', 'offer', [`sha-256 ${FP_A}`]));
	});

	it('verifies its own tag and rejects a swapped fingerprint, role, type, key or session', async () => {
		const keys = await deriveKeys(KEY, SESSION);
		const tag = await signDescription(keys, 'guest', 'offer', sdp(FP_A));
		expect(await verifyDescription(keys, 'guest', 'offer', sdp(FP_A), tag)).toBe(true);
		expect(await verifyDescription(keys, 'guest', 'offer', sdp(FP_B), tag)).toBe(false);
		expect(await verifyDescription(keys, 'host', 'offer', sdp(FP_A), tag)).toBe(false);
		expect(await verifyDescription(keys, 'guest', 'answer', sdp(FP_A), tag)).toBe(false);
		const otherKey = await deriveKeys('x'.repeat(32), SESSION);
		expect(await verifyDescription(otherKey, 'guest', 'offer', sdp(FP_A), tag)).toBe(false);
		const otherSession = await deriveKeys(KEY, 'B'.repeat(20));
		expect(await verifyDescription(otherSession, 'guest', 'offer', sdp(FP_A), tag)).toBe(false);
	});

	it('rejects a missing or malformed tag and an SDP without fingerprints', async () => {
		const keys = await deriveKeys(KEY, SESSION);
		const tag = await signDescription(keys, 'host', 'answer', sdp(FP_A));
		expect(await verifyDescription(keys, 'host', 'answer', sdp(FP_A), undefined)).toBe(false);
		expect(await verifyDescription(keys, 'host', 'answer', sdp(FP_A), tag.slice(1))).toBe(false);
		expect(await verifyDescription(keys, 'host', 'answer', sdp(FP_A), '!'.repeat(43))).toBe(false);
		const bare = await signDescription(keys, 'host', 'answer', 'v=0\r\n');
		expect(await verifyDescription(keys, 'host', 'answer', 'v=0\r\n', bare)).toBe(false);
	});
});

describe('verification code', () => {
	it('is the same six digits on both sides and changes when a fingerprint changes', async () => {
		const keys = await deriveKeys(KEY, SESSION);
		const onA = await verificationCode(keys, sdp(FP_A), sdp(FP_B));
		const onB = await verificationCode(keys, sdp(FP_B), sdp(FP_A));
		expect(onA).toMatch(/^\d{3} \d{3}$/);
		expect(onB).toBe(onA);
		const swapped = await verificationCode(keys, sdp(FP_A), sdp(FP_A));
		expect(swapped).not.toBe(onA);
	});
});
