import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	BLOCK_BYTES,
	blockCount,
	blockLength,
	concat,
	fileDigest,
	sha256,
} from '../../src/lib/transfer/blocks';
import { toBase64 } from '../../src/lib/protocol/base64';

const nodeSha = (data: Uint8Array) => createHash('sha256').update(data).digest();

describe('block maths', () => {
	it('splits sizes into 1 MiB blocks with a short last block', () => {
		expect(blockCount(0)).toBe(0);
		expect(blockCount(1)).toBe(1);
		expect(blockCount(BLOCK_BYTES)).toBe(1);
		expect(blockCount(BLOCK_BYTES + 1)).toBe(2);
		expect(blockCount(5 * 2 ** 30 + 7)).toBe(5 * 1024 + 1);
		expect(blockLength(BLOCK_BYTES + 5, 0)).toBe(BLOCK_BYTES);
		expect(blockLength(BLOCK_BYTES + 5, 1)).toBe(5);
		expect(blockLength(BLOCK_BYTES + 5, 2)).toBe(0);
	});
});

describe('digests', () => {
	it('hashes a block as SHA-256 and encodes it as base64', async () => {
		const data = new Uint8Array(randomBytes(1000));
		const digest = await sha256(data);
		expect(Buffer.from(digest).equals(nodeSha(data))).toBe(true);
		expect(toBase64(digest)).toBe(nodeSha(data).toString('base64'));
	});

	it('makes the file digest from the block digests in order', async () => {
		const blocks = [randomBytes(BLOCK_BYTES), randomBytes(100)].map((b) => new Uint8Array(b));
		const digests = await Promise.all(blocks.map((b) => sha256(b)));
		const expected = nodeSha(Buffer.concat(digests.map((d) => Buffer.from(d)))).toString('base64');
		expect(await fileDigest(digests)).toBe(expected);
		expect(await fileDigest([...digests].reverse())).not.toBe(expected);
		expect(await fileDigest([])).toBe(nodeSha(new Uint8Array()).toString('base64'));
	});

	it('concatenates chunks into one block', () => {
		const joined = concat([new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3])], 3);
		expect([...joined]).toEqual([1, 2, 3]);
	});
});
