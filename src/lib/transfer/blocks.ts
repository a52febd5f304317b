// Integrity is checked per 1 MiB block (WebCrypto SHA-256 is native and fast), so a damaged block is
// found and re-sent alone, and a resumed file continues from the last block the receiver verified.

import { toBase64 } from '../protocol/base64';

export const BLOCK_BYTES = 1024 * 1024;

export function blockCount(size: number): number {
	return Math.ceil(size / BLOCK_BYTES);
}

/** Bytes in block `block` of a file of `size` bytes (the last block may be short). */
export function blockLength(size: number, block: number): number {
	return Math.max(0, Math.min(BLOCK_BYTES, size - block * BLOCK_BYTES));
}

export async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
	return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** The file digest: SHA-256 over the concatenated 32-byte block digests, in block order. */
export async function fileDigest(blockDigests: readonly Uint8Array[]): Promise<string> {
	const all = new Uint8Array(blockDigests.length * 32);
	blockDigests.forEach((digest, i) => all.set(digest, i * 32));
	return toBase64(await sha256(all));
}

/** Joins the chunks of one block into one buffer for hashing and writing. */
export function concat(chunks: readonly Uint8Array[], length: number): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(length);
	let at = 0;
	for (const chunk of chunks) {
		out.set(chunk, at);
		at += chunk.byteLength;
	}
	return out;
}
