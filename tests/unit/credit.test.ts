import { describe, expect, it } from 'vitest';
import {
	CREDIT_WINDOW_BYTES,
	MAX_CREDIT_WINDOW_BYTES,
	creditAfterWrite,
	creditWindow,
	SendWindow,
	WRITE_BATCH_BYTES,
	WriteBatcher,
} from '../../src/lib/transfer/credit';

/** Resolves after pending promise callbacks have run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('creditAfterWrite', () => {
	it('grants the window beyond what is written', () => {
		expect(CREDIT_WINDOW_BYTES).toBe(16 * 1024 * 1024);
		expect(creditAfterWrite(0)).toBe(CREDIT_WINDOW_BYTES);
		expect(creditAfterWrite(5_000)).toBe(5_000 + CREDIT_WINDOW_BYTES);
	});
});

describe('creditWindow', () => {
	const MiB = 1024 * 1024;

	it('is the 16 MiB floor until a rate and a round trip are both measured', () => {
		expect(creditWindow(0, null)).toBe(CREDIT_WINDOW_BYTES);
		expect(creditWindow(100 * MiB, null)).toBe(CREDIT_WINDOW_BYTES);
		expect(creditWindow(0, 200)).toBe(CREDIT_WINDOW_BYTES);
	});

	it('adds twice the bandwidth-delay product to the floor, so the sender never waits a round trip for credit', () => {
		// 20 MiB/s over 150 ms: 3 MiB in flight each way.
		expect(creditWindow(20 * MiB, 150)).toBe(CREDIT_WINDOW_BYTES + 6 * MiB);
		expect(creditWindow(10 * MiB, 500)).toBe(CREDIT_WINDOW_BYTES + 10 * MiB);
	});

	it('adds less than 1 MB for every network the benchmark models (25 MB/s at 5 ms to 2.5 MB/s at 150 ms)', () => {
		expect(creditWindow(25e6, 5)).toBe(CREDIT_WINDOW_BYTES + 250_000);
		expect(creditWindow(2.5e6, 150)).toBe(CREDIT_WINDOW_BYTES + 750_000);
	});

	it('never grows past 64 MiB, which bounds what a receiver holds for a slow disk', () => {
		expect(MAX_CREDIT_WINDOW_BYTES).toBe(64 * MiB);
		expect(creditWindow(1000 * MiB, 300)).toBe(MAX_CREDIT_WINDOW_BYTES);
	});

	it('ignores measurements that are not finite and positive', () => {
		for (const [rate, rtt] of [
			[Number.NaN, 100],
			[-5, 100],
			[10 * MiB, Number.NaN],
			[10 * MiB, -1],
			[Number.POSITIVE_INFINITY, 100],
		]) {
			expect(creditWindow(rate, rtt)).toBe(CREDIT_WINDOW_BYTES);
		}
	});

	it('grants the adapted window beyond what is written', () => {
		expect(creditAfterWrite(5_000, creditWindow(20 * MiB, 150))).toBe(5_000 + CREDIT_WINDOW_BYTES + 6 * MiB);
	});
});

describe('SendWindow', () => {
	it('allows sending up to the credit', () => {
		const window = new SendWindow(100);
		expect(window.canSend(100)).toBe(true);
		expect(window.canSend(101)).toBe(false);
		window.onSent(60);
		expect(window.sent).toBe(60);
		expect(window.canSend(40)).toBe(true);
		expect(window.canSend(41)).toBe(false);
	});

	it('only ever raises the cumulative credit', () => {
		const window = new SendWindow(100);
		expect(window.grant(200)).toBe(true);
		expect(window.credit).toBe(200);
		expect(window.grant(150)).toBe(false);
		expect(window.grant(200)).toBe(false);
		expect(window.grant(NaN)).toBe(false);
		expect(window.grant(Infinity)).toBe(false);
		expect(window.credit).toBe(200);
	});

	it('resolves waitFor at once when there is room', async () => {
		const window = new SendWindow(10);
		await expect(window.waitFor(10)).resolves.toBeUndefined();
	});

	it('resolves waitFor only after a large enough grant', async () => {
		const window = new SendWindow(10);
		window.onSent(10);
		let resolved = false;
		const wait = window.waitFor(5).then(() => (resolved = true));
		window.grant(14);
		await settle();
		expect(resolved).toBe(false);
		window.grant(15);
		await wait;
		expect(resolved).toBe(true);
	});

	it('rejects pending and later waits after close, and ignores grants', async () => {
		const window = new SendWindow(0);
		const error = new Error('peer left');
		const pending = window.waitFor(1);
		window.close(error);
		await expect(pending).rejects.toBe(error);
		await expect(window.waitFor(0)).rejects.toBe(error);
		expect(window.grant(100)).toBe(false);
	});
});

/** A batcher whose write() records every array it is handed. */
function recorder(batchBytes: number) {
	const writes: Uint8Array[] = [];
	const batcher = new WriteBatcher(async (chunk) => {
		writes.push(chunk);
	}, batchBytes);
	return { writes, batcher };
}

function concat(chunks: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
	let at = 0;
	for (const chunk of chunks) {
		out.set(chunk, at);
		at += chunk.length;
	}
	return out;
}

function sequence(length: number, start = 0): Uint8Array {
	return Uint8Array.from({ length }, (_, i) => (start + i) % 251);
}

describe('WriteBatcher', () => {
	it('defaults to 4 MiB batches', () => expect(WRITE_BATCH_BYTES).toBe(4 * 1024 * 1024));

	it('writes in batchBytes pieces, the remainder on flush, in order', async () => {
		const { writes, batcher } = recorder(10);
		const input = sequence(37);
		for (const size of [3, 7, 1, 15, 0, 11]) {
			const at = writes.reduce((n, c) => n + c.length, 0) + batcher.pendingBytes;
			await batcher.push(input.subarray(at, at + size));
		}
		expect(writes.map((c) => c.length)).toEqual([10, 10, 10]);
		expect(batcher.pendingBytes).toBe(7);
		expect(batcher.writtenBytes).toBe(30);
		await batcher.flush();
		expect(writes.map((c) => c.length)).toEqual([10, 10, 10, 7]);
		expect(batcher.pendingBytes).toBe(0);
		expect(batcher.writtenBytes).toBe(37);
		expect(concat(writes)).toEqual(input);
	});

	it('copies the input, so the caller may reuse its buffer', async () => {
		const { writes, batcher } = recorder(4);
		const reused = new Uint8Array([1, 2]);
		await batcher.push(reused);
		reused.set([3, 4]);
		await batcher.push(reused);
		expect(writes).toEqual([new Uint8Array([1, 2, 3, 4])]);
	});

	it('hands write() arrays that are never reused', async () => {
		const { writes, batcher } = recorder(4);
		await batcher.push(sequence(12));
		await batcher.push(sequence(2, 100));
		await batcher.flush();
		expect(new Set(writes.map((c) => c.buffer)).size).toBe(4);
		expect(writes.map((c) => [...c])).toEqual([
			[0, 1, 2, 3],
			[4, 5, 6, 7],
			[8, 9, 10, 11],
			[100, 101],
		]);
	});

	it('does not write on flush when nothing is pending', async () => {
		const { writes, batcher } = recorder(4);
		await batcher.flush();
		await batcher.push(sequence(4));
		await batcher.flush();
		expect(writes.length).toBe(1);
	});

	it('returns from a push that fills a batch only after its write completed', async () => {
		let release!: () => void;
		const batcher = new WriteBatcher(() => new Promise<void>((resolve) => (release = resolve)), 4);
		let done = false;
		const push = batcher.push(sequence(4)).then(() => (done = true));
		await settle();
		expect(done).toBe(false);
		expect(batcher.pendingBytes).toBe(4);
		expect(batcher.writtenBytes).toBe(0);
		release();
		await push;
		expect(batcher.writtenBytes).toBe(4);
	});

	it('keeps order when pushes are not awaited', async () => {
		const { writes, batcher } = recorder(5);
		const input = sequence(1000);
		const pushes = [];
		for (let at = 0; at < input.length; at += 7) pushes.push(batcher.push(input.subarray(at, at + 7)));
		pushes.push(batcher.flush());
		await Promise.all(pushes);
		expect(writes.every((c, i) => c.length === 5 || i === writes.length - 1)).toBe(true);
		expect(concat(writes)).toEqual(input);
	});

	it('rejects the failing push and every later one', async () => {
		const failure = new Error('disk full');
		const batcher = new WriteBatcher(() => Promise.reject(failure), 2);
		await expect(batcher.push(sequence(2))).rejects.toBe(failure);
		await expect(batcher.push(sequence(1))).rejects.toBe(failure);
		await expect(batcher.flush()).rejects.toBe(failure);
	});

	it('sizes a batch to the bytes still to come, so a small file never takes a whole batch of memory', async () => {
		const writes: Uint8Array[] = [];
		const batcher = new WriteBatcher(
			async (chunk) => {
				writes.push(chunk);
			},
			8,
			13,
		);
		await batcher.push(sequence(6));
		expect(writes.length).toBe(0);
		await batcher.push(sequence(7, 6));
		// The first batch is full at 8 bytes; the second holds the last 5 and is written as soon as they are in.
		expect(writes.map((c) => [c.length, c.buffer.byteLength])).toEqual([
			[8, 8],
			[5, 5],
		]);
		expect(concat(writes)).toEqual(sequence(13));
		await batcher.flush();
		expect(writes.length).toBe(2);
	});

	it('refuses a batch size that is not a positive integer', () => {
		expect(() => new WriteBatcher(async () => {}, 0)).toThrow(RangeError);
	});
});
