// Remembered pairings: every value is checked against Node's own HKDF and HMAC, so the WebCrypto code
// under test cannot agree with itself by accident.
import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	PAIRING_NONCE_BYTES,
	derivePairingSecret,
	pairingCredentials,
	pairingNonce,
} from '../../src/lib/pairing/derive';
import { isSessionId, isSessionToken } from '../../src/lib/protocol/signaling';
import { deriveKeys, signDescription, verificationCode, verifyDescription } from '../../src/lib/rtc/sdp-auth';

const KEY = 'k'.repeat(16) + 'Q1w2E3r4T5y6U7i8';
const SESSION = 'AbCdEfGhIjKlMnOpQrSt';
const HOST_NONCE = Uint8Array.from({ length: 32 }, (_, i) => i);
const GUEST_NONCE = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const FP_A =
	'6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08';
const FP_B =
	'AA:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:09';
const sdp = (fp: string) =>
	`v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 ${fp}\r\na=setup:actpass\r\n`;

/** Node's HKDF-SHA-256, 32 bytes. */
const hkdf = (ikm: Uint8Array | string, salt: Uint8Array | string, info: string) =>
	new Uint8Array(hkdfSync('sha256', ikm, salt, info, 32));

/** The bytes as one big-endian number, written in base 62, least significant digit first. */
function base62(bytes: Uint8Array, length: number): string {
	let n = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
	let out = '';
	for (let i = 0; i < length; i++) {
		out += ALPHABET[Number(n % 62n)];
		n /= 62n;
	}
	return out;
}

const SECRET = hkdf(KEY, Buffer.concat([HOST_NONCE, GUEST_NONCE]), `pairbeam/pairing/v1/secret/${SESSION}`);
const fromSecret = (info: string) => hkdf(SECRET, 'pairbeam/pairing/v1', info);

describe('the pairing secret', () => {
	it('is HKDF-SHA-256 of KEY, salted with both nonces in role order, bound to the session id', async () => {
		const secret = await derivePairingSecret(KEY, SESSION, { host: HOST_NONCE, guest: GUEST_NONCE });
		expect(Buffer.from(secret).toString('hex')).toBe(Buffer.from(SECRET).toString('hex'));
	});

	it('is the same on both devices, each bringing its own fresh nonce', async () => {
		const hostNonce = pairingNonce();
		const guestNonce = pairingNonce();
		expect(hostNonce.byteLength).toBe(PAIRING_NONCE_BYTES);
		expect(hostNonce).not.toEqual(guestNonce);
		const onHost = await derivePairingSecret(KEY, SESSION, { host: hostNonce, guest: guestNonce });
		const onGuest = await derivePairingSecret(KEY, SESSION, { guest: guestNonce, host: hostNonce });
		expect(onGuest).toEqual(onHost);
		const swapped = await derivePairingSecret(KEY, SESSION, { host: guestNonce, guest: hostNonce });
		expect(swapped).not.toEqual(onHost);
	});

	it('changes with either nonce, KEY or the session id', async () => {
		const base = await derivePairingSecret(KEY, SESSION, { host: HOST_NONCE, guest: GUEST_NONCE });
		const variants = await Promise.all([
			derivePairingSecret(KEY, SESSION, { host: pairingNonce(), guest: GUEST_NONCE }),
			derivePairingSecret(KEY, SESSION, { host: HOST_NONCE, guest: pairingNonce() }),
			derivePairingSecret('x'.repeat(32), SESSION, { host: HOST_NONCE, guest: GUEST_NONCE }),
			derivePairingSecret(KEY, 'B'.repeat(20), { host: HOST_NONCE, guest: GUEST_NONCE }),
		]);
		for (const variant of variants) expect(variant).not.toEqual(base);
	});

	it('refuses a nonce that is not 32 bytes', async () => {
		await expect(
			derivePairingSecret(KEY, SESSION, { host: HOST_NONCE, guest: GUEST_NONCE.slice(1) }),
		).rejects.toThrow(/32 bytes/);
		await expect(
			derivePairingSecret(KEY, SESSION, { host: new Uint8Array(33), guest: GUEST_NONCE }),
		).rejects.toThrow(/32 bytes/);
	});
});

describe('what a pairing secret gives', () => {
	it('a room id and one join token per seat, each its own HKDF output in base 62', async () => {
		const { roomId, tokens } = await pairingCredentials(SECRET);
		expect(roomId).toBe(base62(fromSecret('room-id'), 20));
		expect(tokens.host).toBe(base62(fromSecret('join-token/host'), 32));
		expect(tokens.guest).toBe(base62(fromSecret('join-token/guest'), 32));
		expect(isSessionId(roomId)).toBe(true);
		expect(isSessionToken(tokens.host)).toBe(true);
		expect(isSessionToken(tokens.guest)).toBe(true);
		expect(new Set([roomId, tokens.host, tokens.guest, roomId + tokens.host.slice(20)]).size).toBe(4);
		expect(tokens.host.startsWith(roomId)).toBe(false);
	});

	it('SDP and code keys from the secret, apart from the session keys of the same KEY', async () => {
		const { keys } = await pairingCredentials(SECRET);
		const tag = await signDescription(keys, 'guest', 'offer', sdp(FP_A));
		const text = ['pairbeam-sdp-v1', 'guest', 'offer', `sha-256 ${FP_A}`].join('\n');
		expect(tag).toBe(createHmac('sha256', fromSecret('sdp-auth')).update(text).digest('base64url'));

		const mac = createHmac('sha256', fromSecret('verification-code'))
			.update([`sha-256 ${FP_A}`, `sha-256 ${FP_B}`].sort().join('\n'))
			.digest();
		const digits = String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
		expect(await verificationCode(keys, sdp(FP_A), sdp(FP_B))).toBe(
			`${digits.slice(0, 3)} ${digits.slice(3)}`,
		);

		const sessionKeys = await deriveKeys(KEY, SESSION);
		expect(await verifyDescription(sessionKeys, 'guest', 'offer', sdp(FP_A), tag)).toBe(false);
	});

	it('other ids and tokens from other nonces', async () => {
		const one = await pairingCredentials(
			await derivePairingSecret(KEY, SESSION, { host: pairingNonce(), guest: pairingNonce() }),
		);
		const two = await pairingCredentials(
			await derivePairingSecret(KEY, SESSION, { host: pairingNonce(), guest: pairingNonce() }),
		);
		expect(two.roomId).not.toBe(one.roomId);
		expect(two.tokens.host).not.toBe(one.tokens.host);
		expect(two.tokens.guest).not.toBe(one.tokens.guest);
	});
});
