import { describe, expect, it } from 'vitest';
import { peerGone } from '../../../src/lib/errors';
import { decodeFrame } from '../../../src/lib/protocol/frames';
import { BLOCK_BYTES } from '../../../src/lib/transfer/blocks';
import type { FileSource } from '../../../src/lib/transfer/types';
import { MemoryTarget, patternSha256, patternSource } from '../../harness/memory-files';
import { MiB, Pairing, until, type Peer } from './peers';

const SIZES = [2 * MiB + 1000, 5];

/** The control message a frame carries, if it is one. */
function control(frame: Uint8Array) {
	const decoded = decodeFrame(frame);
	return decoded.ok && decoded.value.kind === 'control' ? decoded.value.message : undefined;
}

/** Frames that cross in an uninterrupted transfer of SIZES, counted once to know where to cut. */
async function framesInFullRun(): Promise<number> {
	const peers = new Pairing();
	await peers.transfer(
		SIZES.map((size, i) => patternSource(`r${i}`, size, i + 1)),
		new MemoryTarget(),
	);
	return peers.pair.count;
}

const total = await framesInFullRun();

/** Sends SIZES, cutting the link just before frame number `cut` would arrive, then links again. */
async function cutAt(cut: number) {
	const peers = new Pairing();
	let crossed = 0;
	peers.pair.tap = (frame) => {
		if (crossed++ < cut) return [frame];
		peers.pair.close();
		return [];
	};
	const target = new MemoryTarget();
	// Accept as soon as the offer is there, on the first link or (if it was cut) on the second.
	const accepted = until(() => peers.receiver.hub.transfers.length > 0, 'the offer').then(() =>
		peers.incoming.accept(target),
	);
	peers.sender.hub.send(SIZES.map((size, i) => patternSource(`r${i}`, size, i + 1)));
	await until(() => !peers.pair.open, 'the cut');
	const moving = (p: Peer) => p.hub.transfers.some((t) => t.status === 'active');
	await until(() => !moving(peers.sender) && !moving(peers.receiver), 'both to pause');
	const second = peers.connect();
	await accepted;
	await peers.finished();
	return { peers, target, second };
}

/** Sends `file` and cuts the link at the first data frame past 1 MiB + 300,000 bytes; resolves once both paused. */
async function pausedMidFile(file: FileSource) {
	const peers = new Pairing();
	peers.pair.tap = (frame) => {
		if (frame[0] === 2 && new DataView(frame.buffer).getUint32(9) >= MiB + 300_000) {
			peers.pair.close();
			return [];
		}
		return [frame];
	};
	const target = new MemoryTarget();
	const incoming = await peers.offer([file]);
	await incoming.accept(target);
	await until(() => peers.outgoing.status === 'paused' && incoming.status === 'paused', 'both to pause');
	return { peers, target, incoming };
}

/**
 * Sends SIZES to a disk slow to create the first file, so everything that crosses waits in the receiver's queue
 * when the link drops right after the digest of block `block` of file `index` (CI's loaded machine lagged like
 * this on its own); `damage` flips a byte of file 0's block 1 on the way. Resolves once both finished, byte for
 * byte, on a new link.
 */
async function droppedWhileQueued(index: number, block: number, damage = false) {
	let release!: () => void;
	const opened = new Promise<void>((resolve) => (release = resolve));
	const target = new MemoryTarget({ beforeOpen: () => opened });
	const peers = new Pairing();
	let toDamage = damage;
	peers.pair.tap = (frame, from) => {
		const decoded = decodeFrame(frame);
		if (toDamage && decoded.ok && decoded.value.kind === 'data' && decoded.value.offset >= MiB) {
			toDamage = false;
			const copy = frame.slice();
			copy[copy.length - 1] ^= 0xff;
			return [copy];
		}
		const message = control(frame);
		if (from === 'a' && message?.t === 'block' && message.index === index && message.block === block)
			queueMicrotask(() => peers.pair.close());
		return [frame];
	};
	const incoming = await peers.offer(SIZES.map((size, i) => patternSource(`q${i}`, size, i + 3)));
	await incoming.accept(target);
	await until(() => peers.outgoing.status === 'paused' && incoming.status === 'paused', 'both to pause');
	release();
	const second = peers.connect();
	await peers.finished();
	expect([peers.outgoing.status, incoming.status]).toEqual(['done', 'done']);
	for (const [i, size] of SIZES.entries()) expect(target.sinks[i].sha256()).toBe(patternSha256(size, i + 3));
	return second;
}

describe('the link drops and comes back', () => {
	it(
		`finishes byte for byte whichever of the ${total} frames the link drops before`,
		{ timeout: 30_000 },
		async () => {
			const resumedAt = new Set<string>();
			for (let cut = 0; cut < total; cut++) {
				const { peers, target, second } = await cutAt(cut);
				expect([cut, peers.outgoing.view(), peers.incoming.view()]).toMatchObject([
					cut,
					{ status: 'done' },
					{ status: 'done' },
				]);
				for (const [i, size] of SIZES.entries()) {
					expect(target.sinks[i].state).toBe('closed');
					expect(target.sinks[i].sha256()).toBe(patternSha256(size, i + 1));
				}
				const resume = second.controls('b').find((m) => m.t === 'resume');
				if (resume?.t === 'resume') {
					expect(resume.offset % BLOCK_BYTES === 0 || resume.offset === SIZES[resume.index]).toBe(true);
					resumedAt.add(`${resume.index}:${resume.offset}`);
				}
			}
			// Cuts mid-block resume at the block's start: at 0 and at each block boundary of the first file, and
			// in the second file (at 0, or at its end when its one block was verified before the cut).
			expect([...resumedAt]).toEqual(
				expect.arrayContaining(['0:0', `0:${BLOCK_BYTES}`, `0:${2 * BLOCK_BYTES}`]),
			);
			expect([...resumedAt].some((at) => at.startsWith('1:'))).toBe(true);
		},
	);

	it('keeps every block that arrived before the link dropped, even those still waiting to be checked', async () => {
		const second = await droppedWhileQueued(0, 1);
		expect(second.controls('b').find((m) => m.t === 'resume')).toMatchObject({ index: 0, offset: 2 * MiB });
		const resent = second.crossed.flatMap((c) => (c.kind === 'data' ? [c.length] : []));
		expect(resent).toEqual([1000, SIZES[1]]);
	});

	it('finishes a file whose end was still in the queue when the link dropped, and goes on with the next', async () => {
		const second = await droppedWhileQueued(1, 0);
		expect(second.controls('b').find((m) => m.t === 'resume')).toMatchObject({ index: 1, offset: 5 });
		const done = second.controls('b').flatMap((m) => (m.t === 'file-done' ? [m.index] : []));
		expect(new Set(done)).toEqual(new Set([0, 1]));
		expect(second.crossed.filter((c) => c.kind === 'data')).toEqual([]);
	});

	it('asks again, on the new link, for a damaged block that was checked after the link dropped', async () => {
		const second = await droppedWhileQueued(0, 1, true);
		// Asked with the resume alone: a rewind meant for the old link would reach the sender before it.
		expect(second.controls('b')[0]).toMatchObject({ t: 'resume', index: 0, offset: MiB });
	});

	it('says again that a file is done when its file-done was lost and the last file ended the transfer meanwhile', async () => {
		const peers = new Pairing();
		// File 1 is written only once the link is back; file 0's file-done is lost with the old link.
		let release!: () => void;
		const stalled = new Promise<void>((resolve) => (release = resolve));
		const target = new MemoryTarget({
			beforeWrite: (meta) => (meta.name === 'g1' ? stalled : Promise.resolve()),
		});
		peers.pair.tap = (frame, from) => {
			const message = control(frame);
			return from === 'b' && message?.t === 'file-done' && message.index === 0 ? [] : [frame];
		};
		const incoming = await peers.offer([patternSource('g0', 1000, 1), patternSource('g1', 5, 2)]);
		await incoming.accept(target);
		await until(() => incoming.files[1].status === 'verifying', 'file 1 to be saved');
		peers.pair.close();
		await until(() => peers.outgoing.status === 'paused' && incoming.status === 'paused', 'both to pause');
		expect(incoming.files.map((f) => f.status)).toEqual(['done', 'verifying']);
		peers.connect();
		release();
		await peers.finished();
		expect([peers.outgoing.status, incoming.status]).toEqual(['done', 'done']);
		expect(target.sinks.map((s) => s.sha256())).toEqual([patternSha256(1000, 1), patternSha256(5, 2)]);
	});

	it('resumes when the receiver’s resume arrives before the sender listens on the new link', async () => {
		const { peers, target, incoming } = await pausedMidFile(patternSource('late', 3 * MiB, 7));
		const second = await peers.connectSenderLate();
		expect(second.controls('b').map((m) => m.t)).toContain('resume');
		await peers.finished();
		expect([peers.outgoing.status, incoming.status]).toEqual(['done', 'done']);
		expect(target.sinks[0].sha256()).toBe(patternSha256(3 * MiB, 7));
	});

	it('pauses both sides while the link is down, then fails without a partial file when the peer is gone', async () => {
		const { peers, target, incoming } = await pausedMidFile(patternSource('v', 3 * MiB));
		expect(incoming.files[0].bytes).toBe(MiB);
		peers.sender.hub.failAll(peerGone());
		peers.receiver.hub.failAll(peerGone());
		await until(() => target.sinks[0].state === 'aborted', 'the partial file to be removed');
		for (const t of [peers.outgoing, incoming]) {
			expect(t.view()).toMatchObject({ status: 'failed', error: peerGone() });
			expect(t.files[0].status).toBe('failed');
		}
		expect(target.sinks[0].written).toBeLessThanOrEqual(MiB);
	});
});
