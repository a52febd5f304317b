// Hex digests for values the Worker stores or compares; random ids and tokens come from
// src/lib/protocol/random.ts, which the app shares for its pairing keys.

export async function sha256Hex(text: string): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
