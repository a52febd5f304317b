// Ids, tokens and pairing keys come from the CSPRNG with rejection sampling, so every character of the
// 62-letter alphabet is equally likely (a plain modulo would favour the first 8 letters).

/** The 62 letters and digits of every id, token and key (also of those derived from a pairing secret). */
export const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LIMIT = 256 - (256 % ALPHABET.length);

export function randomAlphanumeric(length: number): string {
	let out = '';
	while (out.length < length) {
		const bytes = crypto.getRandomValues(new Uint8Array(Math.min(65_536, 2 * (length - out.length))));
		for (const byte of bytes) {
			if (byte < LIMIT) out += ALPHABET[byte % ALPHABET.length];
			if (out.length === length) break;
		}
	}
	return out;
}
