// Pins the WebRTC connection to the two devices that hold KEY (from the QR fragment, never sent to a
// server): each peer HMACs the DTLS fingerprints of its SDP, so a signaling server that swaps SDP is caught.
import type { Role } from '../protocol/signaling';
import { fromBase64Url, toBase64Url } from '../protocol/base64';

export interface PairingKeys {
	/** HMAC-SHA-256 key that signs and verifies the fingerprints of each SDP. */
	auth: CryptoKey;
	/** HMAC-SHA-256 key for the short code both screens show. */
	code: CryptoKey;
}

const encoder = new TextEncoder();

/** Typed by inference, so that the Worker's tests (workers types, no DOM) can import this module too. */
function hkdfParams(salt: BufferSource, info: string) {
	return { name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode(info) };
}

/**
 * HKDF-SHA-256 from `material`, one HMAC-SHA-256 key per purpose. `salt` keeps each use apart: a session's
 * KEY (`deriveKeys`) and a remembered pairing's secret (`src/lib/pairing/derive.ts`) both come through here.
 */
export async function deriveKeysFrom(material: BufferSource, salt: BufferSource): Promise<PairingKeys> {
	const master = await crypto.subtle.importKey('raw', material, 'HKDF', false, ['deriveKey']);
	const hmac = { name: 'HMAC', hash: 'SHA-256', length: 256 };
	const [auth, code] = await Promise.all(
		['sdp-auth', 'verification-code'].map((info) =>
			crypto.subtle.deriveKey(hkdfParams(salt, info), master, hmac, false, ['sign', 'verify']),
		),
	);
	return { auth, code };
}

/** HKDF-SHA-256 from the link's KEY, salted with the session id, one key per purpose. */
export function deriveKeys(key: string, sessionId: string): Promise<PairingKeys> {
	return deriveKeysFrom(encoder.encode(key), encoder.encode(`pairbeam/v1/${sessionId}`));
}

/** The DTLS fingerprints an SDP commits to, normalised (`sha-256 AB:CD:…`), in order of appearance. */
export function fingerprints(sdp: string): string[] {
	return [...sdp.matchAll(/^a=fingerprint:(\S+)\s+([0-9A-Fa-f:]+)\s*$/gm)].map(
		(m) => `${m[1].toLowerCase()} ${m[2].toUpperCase()}`,
	);
}

function signedText(role: Role, type: string, sdp: string) {
	return encoder.encode(['pairbeam-sdp-v1', role, type, ...fingerprints(sdp)].join('\n'));
}

/** The tag a peer with `role` attaches to its own description. */
export async function signDescription(
	keys: PairingKeys,
	role: Role,
	type: string,
	sdp: string,
): Promise<string> {
	return toBase64Url(
		new Uint8Array(await crypto.subtle.sign('HMAC', keys.auth, signedText(role, type, sdp))),
	);
}

/**
 * True only if `tag` was made with KEY over exactly these fingerprints, by the peer with `role`
 * (so an offer cannot be reflected back as an answer). An SDP without fingerprints never verifies.
 */
export async function verifyDescription(
	keys: PairingKeys,
	role: Role,
	type: string,
	sdp: string,
	tag: string | undefined,
): Promise<boolean> {
	// An HMAC-SHA-256 tag is 32 bytes: 43 base64url characters.
	const mac = tag === undefined || tag.length !== 43 ? null : fromBase64Url(tag);
	if (!mac || fingerprints(sdp).length === 0) return false;
	return crypto.subtle.verify('HMAC', keys.auth, mac, signedText(role, type, sdp));
}

/** Six digits both screens show, from both peers' fingerprints and KEY; equal codes mean no interception. */
export async function verificationCode(
	keys: PairingKeys,
	localSdp: string,
	remoteSdp: string,
): Promise<string> {
	const both = [...fingerprints(localSdp), ...fingerprints(remoteSdp)].sort().join('\n');
	const mac = new Uint8Array(await crypto.subtle.sign('HMAC', keys.code, encoder.encode(both)));
	const value = ((mac[0] << 24) | (mac[1] << 16) | (mac[2] << 8) | mac[3]) >>> 0;
	const digits = String(value % 1_000_000).padStart(6, '0');
	return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
