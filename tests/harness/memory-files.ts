// In-memory sources and sinks for the transfer engine in Node. A pattern source is computed from the offset,
// so a file past 4 GiB costs no memory; a sink keeps a running SHA-256 and may keep the bytes, never more.
import { createHash, type Hash } from 'node:crypto';
import type { FileMeta } from '../../src/lib/protocol/frames';
import type { FileSink, SaveTarget } from '../../src/lib/sinks/sink';
import type { FileSource } from '../../src/lib/transfer/types';

const SEGMENT = 65_536;
/** 64 KiB of fixed pseudo-random bytes; each 64 KiB segment of a pattern is this, rotated. */
const BASE = (() => {
	const bytes = new Uint8Array(SEGMENT);
	let x = 0x2545f491;
	for (let i = 0; i < SEGMENT; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		bytes[i] = x & 0xff;
	}
	return bytes;
})();

/** The rotation of segment `segment` in pattern `seed`: differs between neighbouring segments and seeds. */
const rotation = (seed: number, segment: number): number =>
	(((segment % SEGMENT) * 7919 + seed * 104_729 + Math.floor(segment / SEGMENT) * 31) >>> 0) % SEGMENT;

/** Bytes `start` to `end` of the pattern `seed` (offsets up to 2^53 - 1), built by copying, not per byte. */
export function patternBytes(seed: number, start: number, end: number): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(Math.max(0, end - start));
	for (let at = 0; at < out.length;) {
		const offset = start + at;
		const segment = Math.floor(offset / SEGMENT);
		let from = (offset % SEGMENT) + rotation(seed, segment);
		if (from >= SEGMENT) from -= SEGMENT;
		const count = Math.min(out.length - at, SEGMENT - (offset % SEGMENT), SEGMENT - from);
		out.set(BASE.subarray(from, from + count), at);
		at += count;
	}
	return out;
}

/** A File-like source whose bytes are the pattern `seed`: nothing is held in memory but the slice read. */
export function patternSource(name: string, size: number, seed = 1): FileSource {
	return {
		name,
		size,
		type: 'application/octet-stream',
		lastModified: 0,
		slice(start = 0, end = size) {
			return new Blob([patternBytes(seed, Math.min(start, size), Math.min(end, size))]);
		},
	};
}

/** SHA-256 (hex) of the pattern `seed` from 0 to `size`, computed in 4 MiB pieces. */
export function patternSha256(size: number, seed = 1): string {
	const hash = createHash('sha256');
	for (let at = 0; at < size; at += 4 * 1024 * 1024) {
		hash.update(patternBytes(seed, at, Math.min(size, at + 4 * 1024 * 1024)));
	}
	return hash.digest('hex');
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export interface MemoryTargetOptions {
	/** Keep every byte (default true); false keeps only the size and a running SHA-256. */
	keepBytes?: boolean;
	/** Every write waits for this first: a slow or stalled disk (for the file `meta` announced). */
	beforeWrite?: (meta: FileMeta) => Promise<void>;
	/** Opening a file waits for this first: a disk slow to create it (for the file `meta` announced). */
	beforeOpen?: (meta: FileMeta) => Promise<void>;
	/** Writes fail with QuotaExceededError once this many bytes of one file are written. */
	diskBytes?: number;
	/** The size close reads back from the disk, given the bytes written (default: those bytes). */
	readBack?: (written: number) => number;
}

export class MemorySink implements FileSink {
	state: 'open' | 'closed' | 'aborted' = 'open';
	written = 0;
	/** Bytes written beyond the size the offer announced; must stay 0. */
	pastSize = 0;
	readonly chunks: Uint8Array[] = [];
	private readonly hash: Hash = createHash('sha256');
	private digest: string | undefined;

	constructor(
		readonly meta: FileMeta,
		private readonly options: MemoryTargetOptions,
	) {}

	async write(chunk: Uint8Array): Promise<void> {
		await this.options.beforeWrite?.(this.meta);
		if (this.state !== 'open') throw new Error(`write to a ${this.state} sink`);
		if (this.options.diskBytes !== undefined && this.written + chunk.byteLength > this.options.diskBytes) {
			throw new DOMException('no space left', 'QuotaExceededError');
		}
		this.pastSize += Math.max(
			0,
			Math.min(chunk.byteLength, this.written + chunk.byteLength - this.meta.size),
		);
		this.written += chunk.byteLength;
		this.hash.update(chunk);
		if (this.options.keepBytes ?? true) this.chunks.push(chunk.slice());
	}

	async close(): Promise<number> {
		if (this.state !== 'open') throw new Error(`close of a ${this.state} sink`);
		this.state = 'closed';
		return this.options.readBack?.(this.written) ?? this.written;
	}

	async abort(): Promise<void> {
		this.state = 'aborted';
	}

	/** SHA-256 (hex) of everything written. */
	sha256(): string {
		this.digest ??= this.hash.digest('hex');
		return this.digest;
	}

	bytes(): Uint8Array {
		return new Uint8Array(Buffer.concat(this.chunks));
	}
}

export class MemoryTarget implements SaveTarget {
	readonly description = 'memory';
	/** The sink opened last for each file index. */
	readonly sinks: MemorySink[] = [];

	constructor(private readonly options: MemoryTargetOptions = {}) {}

	async open(index: number, meta: FileMeta): Promise<FileSink> {
		await this.options.beforeOpen?.(meta);
		const sink = new MemorySink(meta, this.options);
		this.sinks[index] = sink;
		return sink;
	}

	/** Bytes written past an announced size, over every file. */
	get pastSize(): number {
		return this.sinks.reduce((sum, sink) => sum + (sink?.pastSize ?? 0), 0);
	}
}
