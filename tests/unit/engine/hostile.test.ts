import { describe, expect, it } from 'vitest';
import { CREDIT_WINDOW_BYTES } from '../../../src/lib/transfer/credit';
import { MemoryTarget, patternBytes } from '../../harness/memory-files';
import { MiB, isPlainError, quiet, receiverFacing, until } from './peers';

const offer = (size: number) => ({
	t: 'offer' as const,
	transfer: 'hostile',
	files: [{ name: 'big.bin', size, type: '', lastModified: 0 }],
});

/** The receiving hub has the offer and has accepted it into `target`. */
async function accepted(size: number, target = new MemoryTarget()) {
	const facing = receiverFacing();
	facing.sender.control(offer(size));
	await until(() => facing.peer.hub.findIncoming('hostile') !== undefined, 'the offer');
	const incoming = facing.peer.hub.findIncoming('hostile')!;
	await incoming.accept(target);
	await until(() => facing.sender.controls.some((m) => m.t === 'accept'), 'the accept');
	return { ...facing, incoming, target };
}

describe('a sender that ignores the credit it was granted', () => {
	it('fails the transfer in plain words and buffers nothing past the credit', async () => {
		const size = 64 * MiB;
		// A disk that never finishes a write: the receiver grants no credit beyond the first window.
		const { sender, incoming, target, pair } = await accepted(
			size,
			new MemoryTarget({ beforeWrite: () => new Promise(() => {}) }),
		);
		const accept = sender.controls.find((m) => m.t === 'accept');
		expect(accept).toEqual({ t: 'accept', transfer: 'hostile', credit: CREDIT_WINDOW_BYTES });
		await sender.blocks('hostile', 0, 0, patternBytes(3, 0, size));
		await until(() => incoming.status === 'failed', 'the receiver to refuse');
		expect(isPlainError(incoming.error)).toBe(true);
		expect(incoming.error?.message).toMatch(/more data than it was allowed/);
		// Nothing past the granted credit was taken in: progress and disk stay within it.
		expect(incoming.files[0].bytes).toBeLessThanOrEqual(CREDIT_WINDOW_BYTES);
		expect(target.sinks[0].written).toBeLessThanOrEqual(CREDIT_WINDOW_BYTES);
		expect(target.sinks[0].state).toBe('aborted');
		await quiet(pair);
		expect(sender.controls.filter((m) => m.t === 'cancel').at(-1)).toMatchObject({ index: null });
	});
});
