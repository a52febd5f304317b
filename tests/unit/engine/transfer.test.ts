import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isolate } from '../../../src/lib/errors';
import { encodeControl } from '../../../src/lib/protocol/frames';
import { toBase64 } from '../../../src/lib/protocol/base64';
import { BLOCK_BYTES } from '../../../src/lib/transfer/blocks';
import { CREDIT_WINDOW_BYTES } from '../../../src/lib/transfer/credit';
import type { FileView } from '../../../src/lib/transfer/types';
import { MemoryTarget, patternSha256, patternSource, sha256Hex } from '../../harness/memory-files';
import { facing, MiB, Pairing, quiet, until } from './peers';

const randomFile = (name: string, size: number) => {
	const bytes = new Uint8Array(randomBytes(size));
	return { file: new File([bytes], name, { type: 'application/octet-stream', lastModified: 7 }), bytes };
};

describe('one file end to end', () => {
	it.each([
		['0 B', 0],
		['1 B', 1],
		['one block exactly', BLOCK_BYTES],
		['three blocks exactly', 3 * BLOCK_BYTES],
		['a block and one byte', BLOCK_BYTES + 1],
		['a block less one byte', BLOCK_BYTES - 1],
	])('%s arrives byte for byte and both sides say done', async (_name, size) => {
		const peers = new Pairing();
		const { file, bytes } = randomFile('a.bin', size);
		const target = new MemoryTarget();
		await peers.transfer([file], target);
		const sink = target.sinks[0];
		expect(sink.state).toBe('closed');
		expect(sink.written).toBe(size);
		expect(sink.sha256()).toBe(sha256Hex(bytes));
		expect(peers.outgoing.view()).toMatchObject({ status: 'done', bytes: size, total: size });
		expect(peers.incoming.view()).toMatchObject({
			status: 'done',
			bytes: size,
			total: size,
			savedTo: 'memory',
		});
		expect(peers.incoming.files[0]).toMatchObject({
			status: 'done',
			name: 'a.bin',
			type: 'application/octet-stream',
		});
		const blocks = peers.pair.controls('a').filter((m) => m.t === 'block');
		expect(blocks.length).toBe(Math.ceil(size / BLOCK_BYTES));
	});
});

/**
 * Counts every read of the files' progress and status from here on: the engine's work per file, which must
 * not grow with the number of files in a transfer (a sum over all files for every frame would).
 */
function countReads(files: FileView[], counter: { reads: number }): void {
	for (const file of files) {
		for (const key of ['bytes', 'status'] as const) {
			let value: unknown = file[key];
			Object.defineProperty(file, key, {
				enumerable: true,
				get: () => {
					counter.reads += 1;
					return value;
				},
				set: (next: unknown) => (value = next),
			});
		}
	}
}

describe('many files', () => {
	it('sends several files, an empty one among them, in 64 KiB frames, each byte for byte', async () => {
		const peers = new Pairing({ maxMessageSize: 64 * 1024 });
		const files = [0, 2 * BLOCK_BYTES + 3, 0, 5, BLOCK_BYTES].map((size, i) => randomFile(`f${i}`, size));
		const target = new MemoryTarget();
		await peers.transfer(
			files.map((f) => f.file),
			target,
		);
		expect(peers.incoming.status).toBe('done');
		for (const [i, { bytes }] of files.entries()) {
			expect(target.sinks[i].state).toBe('closed');
			expect(target.sinks[i].sha256()).toBe(sha256Hex(bytes));
		}
		// 64 KiB messages carry 65,523-byte payloads: a 1 MiB block goes as 17 equal frames.
		const data = peers.pair.crossed.filter((c) => c.kind === 'data' && c.fileIndex === 1);
		expect(data.length).toBe(17 + 17 + 1);
		expect(Math.max(...data.map((c) => (c.kind === 'data' ? c.length : 0)))).toBeLessThanOrEqual(65_523);
	});

	it(
		'delivers 10,000 files in four queued transfers, and refuses 50,001 in one in plain words',
		{ timeout: 60_000 },
		async () => {
			const peers = new Pairing();
			const files = Array.from({ length: 10_000 }, (_, i) => patternSource(String(i), i % 7, i));
			const refused = peers.sender.hub.send([...files, ...files, ...files, ...files, ...files, files[0]]);
			expect(refused?.message).toBe('An offer may hold at most 50,000 files.');
			const work = { reads: 0 };
			for (let at = 0; at < files.length; at += 2_500) {
				expect(peers.sender.hub.send(files.slice(at, at + 2_500))).toBeNull();
				countReads(peers.sender.hub.transfers.at(-1)!.files, work);
			}
			const targets: MemoryTarget[] = [];
			for (let n = 0; n < 4; n++) {
				await until(() => peers.receiver.hub.transfers.length > n, 'the next offer');
				const target = new MemoryTarget();
				targets.push(target);
				const incoming = peers.receiver.hub.findIncoming(peers.receiver.hub.transfers[n].id)!;
				countReads(incoming.files, work);
				await incoming.accept(target);
			}
			const allDone = (hub: typeof peers.sender.hub) => hub.transfers.every((t) => t.status === 'done');
			await until(() => allDone(peers.receiver.hub) && allDone(peers.sender.hub), 'all four transfers');
			expect(peers.sender.hub.transfers.map((t) => t.status)).toEqual(['done', 'done', 'done', 'done']);
			const sinks = targets.flatMap((t) => t.sinks);
			expect(sinks.length).toBe(10_000);
			expect(sinks.every((s, i) => s.state === 'closed' && s.meta.name === String(i))).toBe(true);
			expect(sinks.every((s, i) => s.sha256() === patternSha256(i % 7, i))).toBe(true);
			// A few reads per file and side; summing 2,500 files for every frame would be thousands.
			expect(work.reads / 20_000).toBeLessThan(50);
		},
	);
});

describe('progress', () => {
	it('reports speed and ETA from the clock it is given', async () => {
		const peers = new Pairing();
		const target = new MemoryTarget();
		const incoming = await peers.offer([patternSource('p', 8 * MiB)]);
		// A clock that reads one second for every MiB the receiver has taken in: exactly 1 MiB/s.
		peers.clock = () => (incoming.bytes / MiB) * 1000;
		await incoming.accept(target);
		await until(() => peers.incoming.files[0].bytes >= 4 * MiB, 'half the file');
		const view = peers.incoming.view();
		expect(view.bytesPerSecond).toBeCloseTo(MiB, 6);
		expect(view.etaSeconds).toBeCloseTo((8 * MiB - view.bytes) / view.bytesPerSecond, 3);
		await peers.finished();
		expect(peers.incoming.view()).toMatchObject({ bytesPerSecond: 0, etaSeconds: 0, status: 'done' });
	});
});

describe('flow control', () => {
	it('stops the sender at exactly the credit while the disk is stalled, and refills as writes finish', async () => {
		const peers = new Pairing();
		let release!: () => void;
		const stalled = new Promise<void>((resolve) => (release = resolve));
		const target = new MemoryTarget({ beforeWrite: () => stalled });
		const size = 40 * MiB + 5;
		const incoming = await peers.offer([patternSource('slow', size, 9)]);
		await incoming.accept(target);
		await until(() => peers.outgoing.files[0].bytes === CREDIT_WINDOW_BYTES, 'the credit to run out');
		await until(() => peers.incoming.files[0].bytes === CREDIT_WINDOW_BYTES, 'the receiver to check it all');
		await quiet(peers.pair);
		expect(peers.outgoing.files[0].bytes).toBe(CREDIT_WINDOW_BYTES);
		expect(peers.incoming.files[0].bytes).toBe(CREDIT_WINDOW_BYTES);
		expect(peers.pair.controls('b').filter((m) => m.t === 'credit')).toEqual([]);
		release();
		await peers.finished();
		const credits = peers.pair.controls('b').flatMap((m) => (m.t === 'credit' ? [m.credit] : []));
		expect(credits.length).toBeGreaterThan(0);
		expect(credits).toEqual([...credits].sort((a, b) => a - b));
		expect(target.sinks[0].sha256()).toBe(patternSha256(size, 9));
		expect(peers.incoming.status).toBe('done');
	});

	it('never buffers more than the port allows before waiting for it to drain', async () => {
		const peers = new Pairing({ highWater: 512 * 1024 });
		const target = new MemoryTarget({ keepBytes: false });
		await peers.transfer([patternSource('b', 12 * MiB, 4)], target);
		expect(target.sinks[0].sha256()).toBe(patternSha256(12 * MiB, 4));
		// One frame of up to 256 KiB may go out when the buffer is just under the mark.
		expect(peers.pair.a.peakBuffered).toBeLessThanOrEqual(512 * 1024 + 256 * 1024);
	});
});

describe('integrity', () => {
	it('re-requests a damaged block, writes only verified bytes, and says so', async () => {
		const peers = new Pairing();
		const size = 3 * MiB + 100;
		let damaged = 0;
		peers.pair.tap = (frame, from) => {
			const offset = frame[0] === 2 ? new DataView(frame.buffer).getUint32(9) : -1;
			// Flip one byte in the first frame of block 1, twice: the re-sent copy is damaged too.
			if (from === 'a' && offset === MiB && damaged < 2) {
				damaged += 1;
				const bad = frame.slice();
				bad[100] ^= 0xff;
				return [bad];
			}
			return [frame];
		};
		const target = new MemoryTarget();
		await peers.transfer([patternSource('d', size, 5)], target);
		expect(damaged).toBe(2);
		expect(peers.incoming.files[0]).toMatchObject({
			status: 'done',
			notice: { resentBlock: 2 },
		});
		expect(target.sinks[0].sha256()).toBe(patternSha256(size, 5));
		expect(target.sinks[0].written).toBe(size);
		const rewinds = peers.pair.controls('b').filter((m) => m.t === 'rewind');
		expect(rewinds).toEqual([
			{ t: 'rewind', transfer: peers.outgoing.id, index: 0, offset: MiB },
			{ t: 'rewind', transfer: peers.outgoing.id, index: 0, offset: MiB },
		]);
		expect(peers.pair.controls('a').filter((m) => m.t === 'rewound').length).toBe(2);
	});

	it('fails a file whose whole-file digest does not match, and never reports it done', async () => {
		const peers = new Pairing();
		peers.pair.tap = (frame, from) => {
			if (from !== 'a' || frame[0] !== 1) return [frame];
			const text = new TextDecoder().decode(frame.subarray(1));
			if (!text.includes('"file-end"')) return [frame];
			const message = JSON.parse(text);
			message.sha256 = 'A'.repeat(43) + '=';
			return [encodeControl(message)];
		};
		const target = new MemoryTarget();
		await peers.transfer([patternSource('w', MiB + 1)], target);
		expect(peers.incoming.files[0].status).toBe('failed');
		expect(peers.incoming.files[0].error?.message).toBe(
			`“${isolate('w')}” could not be verified after saving.`,
		);
		expect(target.sinks[0].state).toBe('aborted');
		expect(peers.outgoing.files[0].status).not.toBe('done');
	});
});

describe('saving', () => {
	it('removes a file whose size read back from the disk is wrong, and never reports it done', async () => {
		const peers = new Pairing();
		const target = new MemoryTarget({ readBack: (written) => written - 1 });
		await peers.transfer([patternSource('short', MiB + 1)], target);
		expect(peers.incoming.files[0]).toMatchObject({
			status: 'failed',
			error: { message: `“${isolate('short')}” could not be verified after saving.` },
		});
		expect(target.sinks[0].state).toBe('aborted');
		expect(peers.outgoing.files[0].status).toBe('failed');
	});
});

describe('messages outside transfers', () => {
	it('carries a text message both ways', async () => {
		const peers = new Pairing();
		await peers.sender.hub.sendMessage({ t: 'text', text: 'hello ✓' });
		await peers.receiver.hub.sendMessage({ t: 'text', text: 'back' });
		await until(
			() => peers.receiver.messages.length === 1 && peers.sender.messages.length === 1,
			'both texts',
		);
		expect([peers.receiver.messages, peers.sender.messages]).toEqual([
			[{ t: 'text', text: 'hello ✓' }],
			[{ t: 'text', text: 'back' }],
		]);
	});

	it('carries the remember handshake, in order, without touching a transfer', async () => {
		const peers = new Pairing();
		const nonce = toBase64(new Uint8Array(32).fill(7));
		await peers.sender.hub.sendMessage({ t: 'remember-request', name: 'Laptop', nonce });
		await peers.receiver.hub.sendMessage({ t: 'remember-accept', name: 'Phone', nonce });
		await peers.sender.hub.sendMessage({ t: 'forget' });
		await until(
			() => peers.receiver.messages.length === 2 && peers.sender.messages.length === 1,
			'all steps',
		);
		expect(peers.receiver.messages).toEqual([
			{ t: 'remember-request', name: 'Laptop', nonce },
			{ t: 'forget' },
		]);
		expect(peers.sender.messages).toEqual([{ t: 'remember-accept', name: 'Phone', nonce }]);
		expect([peers.sender.broken, peers.receiver.broken, peers.receiver.hub.transfers]).toEqual([[], [], []]);
	});

	it('stops on a remember request whose name could fool the user', async () => {
		const { peer, remote } = facing();
		remote.control({ t: 'remember-request', name: 'Lap\u202etop', nonce: toBase64(new Uint8Array(32)) });
		await until(() => peer.broken.length === 1, 'the hub to stop');
		expect(peer.messages).toEqual([]);
		expect(peer.broken[0].message).toMatch(/bad frame \(name must be 1 to 40 characters/);
	});
});
