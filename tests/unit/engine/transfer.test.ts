import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BLOCK_BYTES } from '../../../src/lib/transfer/blocks';
import { MemoryTarget, sha256Hex } from '../../harness/memory-files';
import { Pairing } from './peers';

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
