import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../../../src/lib/protocol/frames';
import type { Transfer } from '../../../src/lib/transfer/transfer';
import type { FileMeta } from '../../../src/lib/protocol/frames';
import { handleSink } from '../../../src/lib/sinks/handle-sink';
import type { FileSink, SaveTarget } from '../../../src/lib/sinks/sink';
import { MemoryTarget, patternSha256, patternSource, sha256Hex } from '../../harness/memory-files';
import { MiB, Pairing, until } from './peers';

const SIZES = [MiB + 17, 300 * 1024, 10];

/** When the cancel happens: just before a frame matching `at` would arrive, or at a named moment. */
const PHASES = {
	'before accepting': 'offer',
	'at the first data': (f: Moment) => f.kind === 'data',
	'in the middle of a block': (f: Moment) => f.kind === 'data' && f.fileIndex === 0 && f.offset > 600_000,
	'when file 0 ends': (f: Moment) => f.kind === 'control' && f.t === 'file-end' && f.index === 0,
	'when file 0 is confirmed': (f: Moment) => f.kind === 'control' && f.t === 'file-done' && f.index === 0,
	'at file 1': (f: Moment) => f.kind === 'data' && f.fileIndex === 1,
	'while the link is down': 'paused',
	'after both finished': 'finished',
} as const;

type Moment =
	{ kind: 'data'; fileIndex: number; offset: number } | { kind: 'control'; t: string; index?: number };

function moment(frame: Uint8Array): Moment {
	const decoded = decodeFrame(frame);
	if (!decoded.ok) throw new Error(decoded.error.reason);
	const v = decoded.value;
	if (v.kind === 'data') return { kind: 'data', fileIndex: v.fileIndex, offset: v.offset };
	const m = v.message;
	return { kind: 'control', t: m.t, index: 'index' in m && m.index !== null ? m.index : undefined };
}

const cases = Object.keys(PHASES).flatMap((phase) =>
	(['sender', 'receiver'] as const).flatMap((side) =>
		[null, 0, 1].map((index) => ({ phase: phase as keyof typeof PHASES, side, index })),
	),
);

describe('cancel', () => {
	it.each(cases)('$side cancels file $index $phase', async ({ phase, side, index }) => {
		const peers = new Pairing();
		const target = new MemoryTarget();
		const trigger = PHASES[phase];
		let doneBefore: boolean[] = [];
		let stageBefore: string[] = [];
		let acted = false;
		const act = () => {
			acted = true;
			const transfer: Transfer = side === 'sender' ? peers.outgoing : peers.incoming;
			doneBefore = peers.incoming.files.map((f) => f.status === 'done');
			stageBefore = transfer.files.map((f) => f.status);
			transfer.cancel(index);
		};
		if (typeof trigger === 'function') {
			peers.pair.tap = (frame) => {
				if (!acted && trigger(moment(frame))) act();
				return [frame];
			};
		}
		const paused = () => {
			peers.pair.tap = (frame) => {
				const at = moment(frame);
				if (at.kind === 'data' && at.fileIndex === 1) peers.pair.close();
				return peers.pair.open ? [frame] : [];
			};
		};
		if (trigger === 'paused') paused();
		const incoming = await peers.offer(SIZES.map((size, i) => patternSource(`c${i}`, size, i + 1)));
		if (trigger === 'offer') act();
		if (incoming.status === 'incoming') await incoming.accept(target);
		if (trigger === 'paused') {
			await until(() => incoming.status === 'paused' && peers.outgoing.status === 'paused', 'both to pause');
			act();
			peers.connect();
		}
		await peers.finished();
		if (trigger === 'finished') act();
		await until(() => target.sinks.every((s) => s?.state !== 'open'), 'every file closed or removed');
		expect(acted).toBe(true);

		const sent = peers.outgoing;
		expect([peers.sender.broken, peers.receiver.broken]).toEqual([[], []]);
		for (const [i, size] of SIZES.entries()) {
			const [s, r, sink] = [sent.files[i].status, incoming.files[i].status, target.sinks[i]];
			// Nothing says done unless the receiver verified and kept every byte.
			if (s === 'done') expect(r).toBe('done');
			if (r === 'done') {
				expect([sink.state, sink.sha256()]).toEqual(['closed', patternSha256(size, i + 1)]);
			} else {
				expect(sink === undefined || sink.state === 'aborted').toBe(true);
			}
			const cancelledHere = index === null || index === i;
			if (!cancelledHere) expect([i, s, r]).toEqual([i, 'done', 'done']);
			else if (doneBefore[i]) expect(r).toBe('done');
			else {
				// A file still moving shows the cancel on the side that cancelled. One being verified may still
				// finish (then it is complete and verified, checked above), and so on the other side.
				const here = side === 'sender' ? s : r;
				if (stageBefore[i] === 'waiting' || stageBefore[i] === 'active') expect(here).toBe('cancelled');
				expect([s, r]).toEqual([
					expect.stringMatching(/^(cancelled|done)$/),
					expect.stringMatching(/^(cancelled|done)$/),
				]);
			}
		}
		const finishedFirst = trigger === 'finished';
		const expected = index === null && !finishedFirst ? 'cancelled' : 'done';
		expect([sent.status, incoming.status]).toEqual([expected, expected]);
		expect(target.pastSize).toBe(0);
	});
});

/**
 * Files saved through the app's own handleSink onto a real WritableStream whose writes take a while, as a disk
 * does: aborting it rejects the writes queued behind the one in flight with the abort's reason (undefined), as
 * the browser's writable does.
 * `writing(index)` runs as each write starts.
 */
class SlowDisk implements SaveTarget {
	readonly description = 'a slow disk';
	readonly files: { chunks: Uint8Array[]; state: 'open' | 'closed' | 'aborted' }[] = [];

	constructor(private readonly writing: (index: number) => void) {}

	async open(index: number, meta: FileMeta): Promise<FileSink> {
		const file: (typeof this.files)[number] = { chunks: [], state: 'open' };
		this.files[index] = file;
		const writer = new WritableStream<Uint8Array>({
			write: async (chunk) => {
				this.writing(index);
				await new Promise((resolve) => setTimeout(resolve, 50));
				file.chunks.push(chunk.slice());
			},
			close: () => void (file.state = 'closed'),
			abort: () => void (file.state = 'aborted'),
		}).getWriter();
		const writable = {
			write: (chunk: Uint8Array) => writer.write(chunk),
			close: () => writer.close(),
			abort: (reason?: unknown) => writer.abort(reason),
		};
		const handle = {
			createWritable: async () => writable,
			getFile: async () => new File(file.chunks as BlobPart[], meta.name),
		};
		return handleSink(handle as unknown as FileSystemFileHandle);
	}

	sha256(index: number): string {
		return sha256Hex(new Uint8Array(Buffer.concat(this.files[index].chunks)));
	}
}

describe('a file cancelled while its write is on the disk', () => {
	it.each(['sender', 'receiver'] as const)(
		'the %s cancels it: the writes its abort refused fail no other file, and the others are saved',
		async (side) => {
			const peers = new Pairing();
			let acted = false;
			const target = new SlowDisk((index) => {
				if (acted || index !== 1) return;
				acted = true;
				// Late in the write, when the next blocks wait behind it.
				setTimeout(() => (side === 'sender' ? peers.outgoing : peers.incoming).cancel(1), 40);
			});
			const sizes = [300 * 1024, 40 * MiB, 300 * 1024];
			const incoming = await peers.offer(sizes.map((size, i) => patternSource(`d${i}`, size, i + 1)));
			await incoming.accept(target);
			await peers.finished();
			expect(acted).toBe(true);
			expect(incoming.files.map((f) => f.error?.message ?? null)).toEqual([null, null, null]);
			expect([peers.outgoing.status, incoming.status]).toEqual(['done', 'done']);
			expect(incoming.files.map((f) => f.status)).toEqual(['done', 'cancelled', 'done']);
			expect(target.files.map((f) => f.state)).toEqual(['closed', 'aborted', 'closed']);
			expect([target.sha256(0), target.sha256(2)]).toEqual([
				patternSha256(sizes[0], 1),
				patternSha256(sizes[2], 3),
			]);
		},
	);
});
