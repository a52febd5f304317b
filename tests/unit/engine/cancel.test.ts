import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../../../src/lib/protocol/frames';
import type { Transfer } from '../../../src/lib/transfer/transfer';
import { MemoryTarget, patternSha256, patternSource } from '../../harness/memory-files';
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
