import { describe, expect, it } from 'vitest';
import { isolate } from '../../../src/lib/errors';
import { toBase64 } from '../../../src/lib/protocol/base64';
import { fileDigest, sha256 } from '../../../src/lib/transfer/blocks';
import { CREDIT_WINDOW_BYTES } from '../../../src/lib/transfer/credit';
import { MemoryTarget, patternBytes, patternSource } from '../../harness/memory-files';
import { MiB, facing, isPlainError, quiet, until } from './peers';

/** The whole-file digest the sender announces for a file of these blocks. */
const fileSha = async (blocks: Uint8Array<ArrayBuffer>[]) =>
	fileDigest(await Promise.all(blocks.map((b) => sha256(b))));

const offer = (size: number) => ({
	t: 'offer' as const,
	transfer: 'hostile',
	files: [{ name: 'big.bin', size, type: '', lastModified: 0 }],
});

/** The receiving hub has the offer and has accepted it into `target`. */
async function accepted(size: number, target = new MemoryTarget()) {
	const { peer, remote: sender, pair } = facing();
	sender.control(offer(size));
	await until(() => peer.hub.findIncoming('hostile') !== undefined, 'the offer');
	const incoming = peer.hub.findIncoming('hostile')!;
	await incoming.accept(target);
	await until(() => sender.controls.some((m) => m.t === 'accept'), 'the accept');
	return { peer, sender, pair, incoming, target };
}

describe('a sender that ignores the credit it was granted', () => {
	it('fails the transfer in plain words and buffers nothing past the credit', async () => {
		const size = CREDIT_WINDOW_BYTES + 4 * MiB;
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

describe('a sender that breaks the protocol', () => {
	it('is refused when its data skips ahead: nothing is written', async () => {
		const { sender, incoming, target } = await accepted(3 * MiB);
		sender.data(0, 256 * 1024, patternBytes(1, 256 * 1024, 512 * 1024));
		await until(() => incoming.status === 'failed', 'the refusal');
		expect(incoming.error?.message).toBe(
			`The other device sent “${isolate('big.bin')}” out of order (data at 262144, expected 0).`,
		);
		expect(isPlainError(incoming.error)).toBe(true);
		expect(target.sinks[0].written).toBe(0);
		expect(target.sinks[0].state).toBe('aborted');
	});

	it('is refused when a block arrives before its data', async () => {
		const { sender, incoming, target } = await accepted(3 * MiB);
		await sender.blocks('hostile', 0, MiB, patternBytes(1, MiB, 2 * MiB));
		await until(() => incoming.status === 'failed', 'the refusal');
		expect(isPlainError(incoming.error)).toBe(true);
		expect(target.sinks[0].written).toBe(0);
	});

	it('is refused when it sends data past the size it announced, before any of it is kept', async () => {
		const { sender, incoming, target } = await accepted(10);
		sender.data(0, 0, patternBytes(1, 0, 20));
		await until(() => incoming.status === 'failed', 'the refusal');
		expect(incoming.error?.message).toBe(
			`The other device sent “${isolate('big.bin')}” out of order (data past the end of the file at 10 bytes).`,
		);
		expect([target.sinks[0].written, target.pastSize, incoming.files[0].bytes]).toEqual([0, 0, 0]);
	});

	it('is refused when it sends data for a file it did not offer', async () => {
		const { sender, incoming, peer, target } = await accepted(10);
		sender.data(3, 0, patternBytes(1, 0, 10));
		await until(() => peer.broken.length > 0, 'the refusal');
		expect(peer.broken[0].message).toBe(
			'The transfer stopped: the other device sent data for a file it did not offer.',
		);
		expect(isPlainError(peer.broken[0])).toBe(true);
		expect(incoming.status).toBe('failed');
		expect(target.sinks.length).toBe(0);
	});

	it.each([
		['cancel', { t: 'cancel', transfer: 'hostile', index: 7, reason: 'cancelled' }],
		['block', { t: 'block', transfer: 'hostile', index: 7, block: 0, sha256: 'A'.repeat(43) + '=' }],
		['file-end', { t: 'file-end', transfer: 'hostile', index: 1, sha256: 'A'.repeat(43) + '=' }],
		['rewound', { t: 'rewound', transfer: 'hostile', index: 9999, offset: 0 }],
	] as const)('is refused when its %s names a file it did not offer', async (_name, message) => {
		const { sender, incoming, peer } = await accepted(10);
		sender.control(message);
		await until(() => peer.broken.length > 0, 'the refusal');
		expect(peer.broken[0].message).toBe(
			'The transfer stopped: the other device named a file it did not offer.',
		);
		expect(incoming.status).toBe('failed');
	});

	it('is ignored when it names a transfer that does not exist, and the real one goes on', async () => {
		const { sender, incoming, target, peer } = await accepted(5);
		sender.control({ t: 'cancel', transfer: 'nosuch', index: null, reason: 'cancelled' });
		sender.control({ t: 'file-end', transfer: 'nosuch', index: 0, sha256: 'A'.repeat(43) + '=' });
		const bytes = patternBytes(2, 0, 5);
		await sender.blocks('hostile', 0, 0, bytes);
		sender.control({ t: 'file-end', transfer: 'hostile', index: 0, sha256: await fileSha([bytes]) });
		await until(() => incoming.status === 'done', 'the file');
		expect(target.sinks[0].bytes()).toEqual(bytes);
		expect(peer.broken).toEqual([]);
	});

	it('stops the hub in plain words on a frame that does not parse, and fails what was under way', async () => {
		const { sender, incoming, peer, target } = await accepted(MiB);
		sender.raw(new Uint8Array([1, 0x7b, 0x7d]));
		await until(() => peer.broken.length > 0, 'the refusal');
		expect(peer.broken[0].message).toBe(
			'The transfer stopped: the other device sent a bad frame (unknown control message type).',
		);
		expect(incoming.status).toBe('failed');
		expect(target.sinks.every((s) => s.state === 'aborted')).toBe(true);
	});

	it('stops the hub when data arrives before anything was accepted', async () => {
		const { peer, remote } = facing();
		remote.control(offer(10));
		remote.data(0, 0, new Uint8Array(10));
		await until(() => peer.broken.length > 0, 'the refusal');
		expect(peer.broken[0].message).toBe('The transfer stopped: file data arrived with no transfer accepted.');
		expect(peer.hub.transfers.map((t) => t.status)).toEqual(['failed']);
	});
});

describe('a receiver that breaks the protocol', () => {
	async function offered(size: number) {
		const { peer, remote, pair } = facing();
		peer.hub.send([patternSource('s.bin', size, 4)]);
		await until(() => remote.controls.some((m) => m.t === 'offer'), 'the offer');
		const id = peer.hub.transfers[0].id;
		return { peer, remote, pair, id, outgoing: peer.hub.transfers[0] };
	}

	it.each([
		['cancel', (id: string) => ({ t: 'cancel', transfer: id, index: 5, reason: 'cancelled' }) as const],
		['file-done', (id: string) => ({ t: 'file-done', transfer: id, index: 5, size: 1 }) as const],
		['resume', (id: string) => ({ t: 'resume', transfer: id, index: 5, offset: 0, credit: 1 }) as const],
		['rewind', (id: string) => ({ t: 'rewind', transfer: id, index: 5, offset: 0 }) as const],
	])('is refused when its %s names a file that was not offered', async (_name, message) => {
		const { peer, remote, id, outgoing } = await offered(10);
		remote.control({ t: 'accept', transfer: id, credit: 0 });
		remote.control(message(id));
		await until(() => peer.broken.length > 0, 'the refusal');
		expect(peer.broken[0].message).toBe(
			'The transfer stopped: the other device named a file it did not offer.',
		);
		expect(outgoing.status).toBe('failed');
	});

	it.each([
		['past the end', 3 * MiB],
		['not at a block boundary', MiB + 1],
	])('is refused when it asks to resume %s', async (_name, offset) => {
		const { remote, id, outgoing } = await offered(2 * MiB);
		remote.control({ t: 'accept', transfer: id, credit: 0 });
		remote.control({ t: 'resume', transfer: id, index: 0, offset, credit: MiB });
		await until(() => outgoing.status === 'failed', 'the refusal');
		expect(outgoing.error?.message).toBe(
			`The other device asked for a part of “${isolate('s.bin')}” that does not exist.`,
		);
		expect(remote.received.some((f) => f.kind === 'data')).toBe(false);
	});
});

describe('past 4 GiB', () => {
	it('sends a 5 GiB source from a resume past 2^32: offsets, block numbers and bytes are right', async () => {
		const size = 5 * 2 ** 30 + 5;
		const { peer, remote, pair } = facing();
		peer.hub.send([patternSource('huge.bin', size, 8)]);
		await until(() => remote.controls.some((m) => m.t === 'offer'), 'the offer');
		const id = peer.hub.transfers[0].id;
		const from = 2 ** 32 + 3 * MiB;
		remote.control({ t: 'accept', transfer: id, credit: 0 });
		remote.control({ t: 'resume', transfer: id, index: 0, offset: from, credit: 2 * MiB });
		await until(() => remote.controls.filter((m) => m.t === 'block').length === 2, 'two blocks');
		await quiet(pair);
		const data = remote.received.flatMap((f) => (f.kind === 'data' ? [f] : []));
		expect(data.reduce((n, f) => n + f.payload.length, 0)).toBe(2 * MiB);
		expect(data[0].offset).toBe(from);
		for (const f of data) expect(f.payload).toEqual(patternBytes(8, f.offset, f.offset + f.payload.length));
		const blocks = remote.controls.filter((m) => m.t === 'block');
		expect(blocks.map((b) => (b.t === 'block' ? b.block : -1))).toEqual([4099, 4100]);
		for (const b of blocks) {
			if (b.t !== 'block') continue;
			const start = b.block * MiB;
			expect(b.sha256).toBe(toBase64(await sha256(patternBytes(8, start, start + MiB))));
		}
		expect(peer.hub.transfers[0].files[0].bytes).toBe(from + 2 * MiB);
		// The last block is 5 bytes long, at 5 GiB: the resume there sends exactly it.
		remote.control({ t: 'resume', transfer: id, index: 0, offset: 5 * 2 ** 30, credit: MiB });
		await until(() => remote.controls.some((m) => m.t === 'file-end'), 'the file end');
		const last = remote.received.filter((f) => f.kind === 'data').at(-1);
		expect(last?.kind === 'data' && [last.offset, last.payload.length]).toEqual([5 * 2 ** 30, 5]);
	});

	it('a receiver reads offsets past 2^32 whole: data at 2^32 of a 5 GiB file is not taken for data at 0', async () => {
		const { sender, incoming, target } = await accepted(5 * 2 ** 30 + 5);
		sender.data(0, 2 ** 32, patternBytes(1, 0, 1000));
		await until(() => incoming.status === 'failed', 'the refusal');
		expect(incoming.error?.message).toBe(
			`The other device sent “${isolate('big.bin')}” out of order (data at 4294967296, expected 0).`,
		);
		expect([target.sinks[0].written, incoming.files[0].bytes]).toEqual([0, 0]);
	});
});

describe('a sender that answers a rewind wrongly', () => {
	it('is refused, instead of the receiver discarding everything after it for ever', async () => {
		const { sender, incoming, target } = await accepted(2 * MiB);
		const bytes = patternBytes(6, 0, MiB);
		for (let at = 0; at < MiB; at += 256 * 1024) sender.data(0, at, bytes.subarray(at, at + 256 * 1024));
		sender.control({ t: 'block', transfer: 'hostile', index: 0, block: 0, sha256: 'A'.repeat(43) + '=' });
		await until(() => sender.controls.some((m) => m.t === 'rewind'), 'the rewind');
		expect(sender.controls.find((m) => m.t === 'rewind')).toEqual({
			t: 'rewind',
			transfer: 'hostile',
			index: 0,
			offset: 0,
		});
		sender.control({ t: 'rewound', transfer: 'hostile', index: 0, offset: MiB });
		await until(() => incoming.status === 'failed', 'the refusal');
		expect(incoming.error?.message).toBe(
			`The other device sent “${isolate('big.bin')}” out of order (rewound to 1048576, asked for 0).`,
		);
		expect(target.sinks[0].written).toBe(0);
	});
});
