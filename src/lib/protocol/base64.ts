// Bytes as text, the one way every layer writes them: block digests and nonces in standard base64, SDP tags
// in unpadded base64url (they travel inside JSON and a header-like field where '+' and '/' read badly).

/** Standard, padded base64 of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary);
}

/** The bytes of standard base64 text that a validator has already checked. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
	return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

/** Unpadded base64url of `bytes`. */
export function toBase64Url(bytes: Uint8Array): string {
	return toBase64(bytes).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The bytes of unpadded base64url text, or null when it is not base64url. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
	if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
	return fromBase64(
		text
			.replaceAll('-', '+')
			.replaceAll('_', '/')
			.padEnd(Math.ceil(text.length / 4) * 4, '='),
	);
}
