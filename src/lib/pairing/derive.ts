// Two devices that paired by QR code may remember each other: both derive one long-term secret from the
// link's KEY and a nonce from each side, and from it, by separate HKDF outputs, what the server may see (a
// room id, one join token per seat) and what it must not (the SDP and code keys). WebCrypto only, no DOM.
import { ALPHABET } from '../protocol/random';
import { SESSION_ID_LENGTH, SESSION_TOKEN_LENGTH, type Role } from '../protocol/signaling';
import { deriveKeysFrom, type PairingKeys } from '../rtc/sdp-auth';

/** Each device's fresh random contribution to the secret. */
export const PAIRING_NONCE_BYTES = 32;

/** Both devices' nonces, by the role each had in the session that paired them. */
export type PairingNonces = Record<Role, Uint8Array>;

/** What a remembered pairing's secret gives: where to meet, how each seat gets in, how to check the other. */
export interface PairingCredentials {
	/** The pairing room's id, shaped like a session id (20 letters or digits). */
	roomId: string;
	/** Each seat's join token (32 letters or digits); the server keeps only their SHA-256. */
	tokens: Record<Role, string>;
	/** SDP authentication and verification-code keys, as a QR session derives from KEY. */
	keys: PairingKeys;
}

const encoder = new TextEncoder();
const SECRET_BYTES = 32;
/** The salt of every value derived from the secret; the session derivation uses `pairbeam/v1/<id>`. */
const FROM_SECRET = encoder.encode('pairbeam/pairing/v1');

export function pairingNonce(): Uint8Array<ArrayBuffer> {
	return crypto.getRandomValues(new Uint8Array(PAIRING_NONCE_BYTES));
}

async function hkdf(
	material: BufferSource,
	salt: BufferSource,
	info: string,
): Promise<Uint8Array<ArrayBuffer>> {
	const key = await crypto.subtle.importKey('raw', material, 'HKDF', false, ['deriveBits']);
	const params = { name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode(info) };
	return new Uint8Array(await crypto.subtle.deriveBits(params, key, SECRET_BYTES * 8));
}

/**
 * The bytes as one big-endian number written in base 62, least significant digit first. 256 bits for at
 * most 32 digits (190.5 bits) leaves every string within 2^-65 of equally likely.
 */
function alphanumeric(bytes: Uint8Array, length: number): string {
	let n = bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
	let out = '';
	for (let i = 0; i < length; i++) {
		out += ALPHABET[Number(n % 62n)];
		n /= 62n;
	}
	return out;
}

/**
 * The long-term secret, the same on both devices: HKDF-SHA-256 of KEY, salted with the host's nonce then
 * the guest's, bound to the session they paired in. Keep it on the device; it never goes to a server.
 */
export function derivePairingSecret(
	key: string,
	sessionId: string,
	nonces: PairingNonces,
): Promise<Uint8Array<ArrayBuffer>> {
	if (nonces.host.byteLength !== PAIRING_NONCE_BYTES || nonces.guest.byteLength !== PAIRING_NONCE_BYTES) {
		return Promise.reject(new RangeError(`Each pairing nonce must be ${PAIRING_NONCE_BYTES} bytes`));
	}
	const salt = new Uint8Array(2 * PAIRING_NONCE_BYTES);
	salt.set(nonces.host);
	salt.set(nonces.guest, PAIRING_NONCE_BYTES);
	return hkdf(encoder.encode(key), salt, `pairbeam/pairing/v1/secret/${sessionId}`);
}

/**
 * The room id, both join tokens and the SDP and code keys, each a separate HKDF output of the secret: the
 * server, which sees the id and the tokens, can compute neither another of them nor the keys.
 */
export async function pairingCredentials(secret: Uint8Array<ArrayBuffer>): Promise<PairingCredentials> {
	const [id, host, guest, keys] = await Promise.all([
		hkdf(secret, FROM_SECRET, 'room-id'),
		hkdf(secret, FROM_SECRET, 'join-token/host'),
		hkdf(secret, FROM_SECRET, 'join-token/guest'),
		deriveKeysFrom(secret, FROM_SECRET),
	]);
	return {
		roomId: alphanumeric(id, SESSION_ID_LENGTH),
		tokens: {
			host: alphanumeric(host, SESSION_TOKEN_LENGTH),
			guest: alphanumeric(guest, SESSION_TOKEN_LENGTH),
		},
		keys,
	};
}
