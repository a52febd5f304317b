import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { peerGone } from '../../src/lib/errors';
import { ZipTarget } from '../../src/lib/sinks/zip-target';
import type { FileMeta } from '../../src/lib/protocol/frames';
import type { FileSource } from '../../src/lib/transfer/types';
import { patternSha256, patternSource } from '../harness/memory-files';
import { Pairing, until } from './engine/peers';
import { listing, run, sha256, UNZIP, UNZIP_ENV, unzipped, unzipTest } from '../harness/unzip';

const MiB = 1 << 20;

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'pairbeam-zip-'));
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

const meta = (name: string, size: number, path?: string, lastModified = Date.UTC(2026, 0, 2, 3, 4, 6)) =>
	({ name, size, type: '', lastModified, ...(path === undefined ? {} : { path }) }) satisfies FileMeta;

/**
 * Reads the archive into `file` as a slow or fast reader would, and counts what it took. A chunk that is
 * `hole` itself is skipped (left sparse), so gigabytes of zeros cost no disk.
 */
async function save(
	archive: ReadableStream<Uint8Array>,
	file: string,
	options: { hole?: Uint8Array; onChunk?: (bytes: number) => Promise<void> | void } = {},
): Promise<{ bytes: number; error?: unknown }> {
	const handle = await open(file, 'w');
	const reader = archive.getReader();
	let bytes = 0;
	try {
		for (;;) {
			const { value, done } = await reader.read();
			if (done) break;
			const at = bytes;
			bytes += value.byteLength;
			await options.onChunk?.(bytes);
			if (value !== options.hole) await handle.write(value, 0, value.byteLength, at);
		}
		await handle.truncate(bytes);
		return { bytes };
	} catch (error) {
		await handle.truncate(bytes);
		return { bytes, error };
	} finally {
		await handle.close();
	}
}

/** Writes one file through the target as the engine does (in chunks, awaiting each); gives close()'s count. */
async function send(target: ZipTarget, index: number, file: FileMeta, bytes: Uint8Array, chunk = MiB) {
	const sink = await target.open(index, file);
	for (let at = 0; at < bytes.byteLength; at += chunk) await sink.write(bytes.slice(at, at + chunk));
	return sink.close();
}

describe('ZipTarget', () => {
	it('saves a tree of Unicode names three levels deep, with an empty folder, as one ZIP that unzips intact', async () => {
		const target = new ZipTarget('the ZIP in your Downloads');
		const zip = join(dir, 'out.zip');
		const saved = save(target.stream, zip);
		const files: [FileMeta, Uint8Array][] = [
			[meta('ノート.txt', 5 * MiB + 17, 'projet/été/ノート.txt'), randomBytes(5 * MiB + 17)],
			[meta('c.bin', 0, 'projet/a/b/c.bin'), new Uint8Array()],
			[meta('Ünïcode 📄.md', 1000, 'projet/Ünïcode 📄.md'), randomBytes(1000)],
			[meta('naïve.txt', 3 * MiB), randomBytes(3 * MiB)],
		];
		await target.folders(['projet/vide', 'projet/a/b/leer']);
		for (const [index, [file, bytes]] of files.entries()) {
			expect(await send(target, index, file, bytes)).toBe(bytes.byteLength);
		}
		target.finish();
		expect((await saved).error).toBeUndefined();

		const found = await unzipped(zip, join(dir, 'out'));
		expect([...found.keys()].sort()).toEqual(
			[
				'projet/',
				'projet/vide/',
				'projet/a/',
				'projet/a/b/',
				'projet/a/b/leer/',
				'projet/a/b/c.bin',
				'projet/été/',
				'projet/été/ノート.txt',
				'projet/Ünïcode 📄.md',
				'naïve.txt',
			].sort(),
		);
		for (const [file, bytes] of files) {
			const entry = found.get(file.path ?? file.name);
			expect(entry?.sha256).toBe(sha256(bytes));
			// The ZIP keeps local time to two seconds.
			expect(Math.abs((entry?.mtimeMs ?? 0) - file.lastModified)).toBeLessThan(2000);
		}
	});

	it('gives names that would collide distinct entries: case, and a file named like a folder', async () => {
		const target = new ZipTarget('the ZIP in your Downloads');
		const zip = join(dir, 'names.zip');
		const saved = save(target.stream, zip);
		const files = [meta('A.txt', 1), meta('a.txt', 1), meta('x.txt', 1, 'd/x.txt'), meta('D', 1, 'D')];
		for (const [index, file] of files.entries()) await send(target, index, file, new Uint8Array([index]));
		target.finish();
		await saved;

		await unzipTest(zip);
		expect(await listing(zip)).toEqual(['A.txt', 'a (1).txt', 'd/x.txt', 'D (1)']);
	});

	it('saves a single file on its own as a one-entry ZIP', async () => {
		const target = new ZipTarget('the ZIP in your Downloads');
		const zip = join(dir, 'one.zip');
		const saved = save(target.stream, zip);
		const bytes = randomBytes(2 * MiB + 3);
		await send(target, 0, meta('report: final?.pdf', bytes.byteLength), bytes);
		target.finish();
		await saved;

		expect(await listing(zip)).toEqual(['report_ final_.pdf']);
		const out = join(dir, 'out');
		await run(UNZIP, ['-q', zip, '-d', out], { env: UNZIP_ENV });
		expect(sha256(await readFile(join(out, 'report_ final_.pdf')))).toBe(sha256(bytes));
	});

	it('keeps a date the ZIP cannot hold at the nearest it can: 1980 for 1970, the end of 2107 for later', async () => {
		const target = new ZipTarget('the ZIP in your Downloads');
		const zip = join(dir, 'dates.zip');
		const saved = save(target.stream, zip);
		await send(target, 0, meta('epoch.txt', 1, undefined, 0), new Uint8Array(1));
		await send(target, 1, meta('far.txt', 1, undefined, Number.MAX_SAFE_INTEGER), new Uint8Array(1));
		target.finish();
		expect((await saved).error).toBeUndefined();

		// The entries' DOS dates (local time) as zipinfo shows them, in two-digit years.
		const listed = (await run(UNZIP, ['-Z', '-l', zip], { env: UNZIP_ENV })).stdout;
		expect(listed).toMatch(/ 80-Jan-01 00:00 epoch\.txt\n/);
		expect(listed).toMatch(/ 07-Dec-31 23:59 far\.txt\n/);
	});

	it('ends the archive with an error when a file is aborted, leaving no valid ZIP behind', async () => {
		const target = new ZipTarget('the ZIP in your Downloads');
		const zip = join(dir, 'broken.zip');
		const saved = save(target.stream, zip);
		await send(target, 0, meta('whole.txt', 1000), randomBytes(1000));
		const sink = await target.open(1, meta('half.bin', 4 * MiB, 'photos/half.bin'));
		await sink.write(randomBytes(MiB));
		await sink.abort();

		const { error } = await saved;
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toBe(
			'“photos/half.bin” did not arrive complete, so the ZIP download was stopped.',
		);
		await expect(unzipTest(zip)).rejects.toThrow();
		// The transfer cannot go on into an archive that has ended.
		await expect(target.open(2, meta('later.txt', 1))).rejects.toThrow(/photos\/half\.bin/);
	});

	it('ends the archive with an error when a closed file is then found wrong (its size or digest)', async () => {
		const target = new ZipTarget('the ZIP in your Downloads');
		const zip = join(dir, 'wrong.zip');
		const saved = save(target.stream, zip);
		const sink = await target.open(0, meta('short.bin', 20));
		await sink.write(randomBytes(10));
		expect(await sink.close()).toBe(10);
		await sink.abort();
		expect(((await saved).error as Error).message).toContain('“short.bin” did not arrive complete');
		await expect(unzipTest(zip)).rejects.toThrow();
	});

	it('ends the archive with the reason it is given when the transfer fails between files', async () => {
		const target = new ZipTarget('the ZIP in your Downloads');
		const saved = save(target.stream, join(dir, 'failed.zip'));
		await send(target, 0, meta('whole.txt', 10), randomBytes(10));
		target.fail('The other device left.');
		const { error } = await saved;
		expect((error as Error).message).toBe('The other device left.');
	});

	it('fails a waiting write when the archive is cancelled (the download was stopped in the browser)', async () => {
		const target = new ZipTarget('the ZIP in your Downloads');
		const reader = target.stream.getReader();
		const sink = await target.open(0, meta('big.bin', 8 * MiB));
		// The reader takes the entry's header; client-zip queues its name and waits, so the write waits too.
		const write = sink.write(new Uint8Array(MiB));
		await reader.read();
		await reader.cancel(new Error('download cancelled'));
		const stopped = 'The ZIP download was stopped before it was complete.';
		await expect(write).rejects.toThrow(stopped);
		await expect(sink.write(new Uint8Array(MiB))).rejects.toThrow(stopped);
		await expect(target.open(1, meta('next.bin', 1))).rejects.toThrow(stopped);
	});

	it('holds back the writer while the reader is slow: at most two writes are held', async () => {
		const target = new ZipTarget('the ZIP in your Downloads');
		const chunk = MiB;
		const size = 48 * chunk;
		const name = 'slow.bin';
		let written = 0;
		let read = 0;
		let most = 0;
		const saved = save(target.stream, join(dir, 'slow.zip'), {
			async onChunk(bytes) {
				// Only file data counts: the local header (30 bytes and the name) comes first.
				read = Math.max(0, bytes - 30 - name.length);
				await new Promise((resolve) => setTimeout(resolve, 5));
			},
		});
		const sink = await target.open(0, meta(name, size));
		for (let at = 0; at < size; at += chunk) {
			written += chunk;
			most = Math.max(most, written - read);
			await sink.write(new Uint8Array(chunk));
		}
		await sink.close();
		target.finish();
		await saved;
		// The bound is reached (the reader is the slow side), and never passed.
		expect(most).toBe(2 * chunk);
	});

	it('writes an entry over 4 GiB as ZIP64', { timeout: 120_000 }, async () => {
		const target = new ZipTarget('the ZIP in your Downloads');
		const zip = join(dir, 'big.zip');
		const zeros = new Uint8Array(4 * MiB);
		const size = 4 * 1024 * MiB + zeros.byteLength;
		const saved = save(target.stream, zip, { hole: zeros });
		const sink = await target.open(0, meta('zeros.bin', size));
		for (let at = 0; at < size; at += zeros.byteLength) await sink.write(zeros);
		expect(await sink.close()).toBe(size);
		target.finish();
		const { bytes } = await saved;

		// unzip reads the size from the ZIP64 fields. (`unzip -t` passes too, but takes 25 s over 4 GiB here.)
		const listed = (await run(UNZIP, ['-Z', '-l', zip], { env: UNZIP_ENV })).stdout;
		expect(listed).toMatch(new RegExp(` ${size} \\S+ +${size} +stor .* zeros\\.bin\n`));
		// The central directory holds 0xFFFFFFFF for both sizes and the real ones in the ZIP64 extra field.
		const tail = Buffer.alloc(bytes - size);
		const handle = await open(zip);
		await handle.read(tail, 0, tail.byteLength, size);
		await handle.close();
		const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
		const central = tail.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
		expect(central).toBeGreaterThan(0);
		let crc = 0;
		for (let at = 0; at < size; at += zeros.byteLength) crc = crc32(zeros, crc);
		expect(view.getUint32(central + 16, true)).toBe(crc);
		expect(view.getUint32(central + 20, true)).toBe(0xffffffff);
		expect(view.getUint32(central + 24, true)).toBe(0xffffffff);
		const extra = central + 46 + view.getUint16(central + 28, true);
		expect(view.getUint16(extra, true)).toBe(0x0001);
		expect(view.getBigUint64(extra + 4, true)).toBe(BigInt(size));
		expect(view.getBigUint64(extra + 12, true)).toBe(BigInt(size));
		// And the archive ends with the ZIP64 end of central directory, its locator, then the classic end.
		expect(tail.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBeGreaterThan(central);
		expect(tail.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(tail.byteLength - 22 - 20);
		expect(bytes).toBeGreaterThan(size);
	});
});

/** A file of the pattern `seed` at `path` (a loose file when the path has no folder), from 2 January 2026. */
function source(path: string, size: number, seed: number): FileSource {
	const name = path.slice(path.lastIndexOf('/') + 1);
	const file = { ...patternSource(name, size, seed), lastModified: Date.UTC(2026, 0, 2) };
	return path.includes('/') ? { ...file, path } : file;
}

describe('ZipTarget behind the real receiver', () => {
	it('receives a folder from a sending hub as one ZIP holding the same tree, byte for byte', async () => {
		const peers = new Pairing();
		const files: [string, number][] = [
			['Été 日本/a.txt', 10],
			['Été 日本/sub/deeper/b.bin', 5 * MiB + 5],
			['Été 日本/sub/empty.txt', 0],
			['loose.txt', 1000],
		];
		const sent = files.map(([path, size], i) => source(path, size, i + 1));
		expect(peers.sender.hub.send(sent, ['Été 日本/vide'])).toBeNull();
		await until(() => peers.receiver.hub.transfers.length > 0, 'the offer');
		const target = new ZipTarget('the ZIP in your Downloads');
		const zip = join(dir, 'folder.zip');
		const saved = save(target.stream, zip);
		await peers.incoming.accept(target);
		// A started file cannot be taken out of the stream: the screen learns so from the view.
		expect([peers.incoming.view().oneStream, peers.outgoing.view().oneStream]).toEqual([true, undefined]);
		await peers.finished();
		expect([peers.outgoing.status, peers.incoming.status]).toEqual(['done', 'done']);
		// The receiver ends the archive itself once every file is verified.
		expect((await saved).error).toBeUndefined();

		const found = await unzipped(zip, join(dir, 'out'));
		expect([...found.keys()].sort()).toEqual(
			[
				'Été 日本/',
				'Été 日本/vide/',
				'Été 日本/sub/',
				'Été 日本/sub/deeper/',
				...files.map(([path]) => path),
			].sort(),
		);
		for (const [i, [path, size]] of files.entries()) {
			expect(found.get(path)?.sha256).toBe(patternSha256(size, i + 1));
		}
	});

	it('leaves out a file cancelled before any of its bytes arrived; the ZIP stays whole', async () => {
		const peers = new Pairing();
		const sent = [source('f/kept.txt', 10, 1), source('f/dropped.txt', 10, 2), source('f/also.txt', 0, 3)];
		expect(peers.sender.hub.send(sent)).toBeNull();
		await until(() => peers.receiver.hub.transfers.length > 0, 'the offer');
		peers.incoming.cancel(1);
		const target = new ZipTarget('the ZIP in your Downloads');
		const zip = join(dir, 'partial.zip');
		const saved = save(target.stream, zip);
		await peers.incoming.accept(target);
		await peers.finished();
		expect((await saved).error).toBeUndefined();

		await unzipTest(zip);
		expect(await listing(zip)).toEqual(['f/kept.txt', 'f/also.txt']);
	});

	it('ends the ZIP with the transfer’s error when the other device leaves', async () => {
		const peers = new Pairing();
		const sent = [source('f/first.txt', 10, 1), source('f/second.bin', 64 * MiB, 2)];
		expect(peers.sender.hub.send(sent)).toBeNull();
		await until(() => peers.receiver.hub.transfers.length > 0, 'the offer');
		const target = new ZipTarget('the ZIP in your Downloads');
		const zip = join(dir, 'left.zip');
		const saved = save(target.stream, zip);
		await peers.incoming.accept(target);
		peers.receiver.hub.failAll(peerGone());

		const { error } = await saved;
		expect((error as Error).message).toBe(peerGone().message);
		expect(peers.incoming.status).toBe('failed');
		await expect(unzipTest(zip)).rejects.toThrow();
	});

	it('ends the ZIP with an error naming the file the user cancelled half-way, and the transfer stops', async () => {
		const peers = new Pairing();
		const sent = [source('f/first.bin', 3 * MiB, 1), source('f/second.txt', 10, 2)];
		expect(peers.sender.hub.send(sent)).toBeNull();
		await until(() => peers.receiver.hub.transfers.length > 0, 'the offer');
		const target = new ZipTarget('the ZIP in your Downloads');
		const zip = join(dir, 'cancelled.zip');
		let read = 0;
		const saved = save(target.stream, zip, { onChunk: (bytes) => void (read = bytes) });
		await peers.incoming.accept(target);
		await until(() => read > MiB, 'a part of the first file');
		peers.incoming.cancel(0);

		const { error } = await saved;
		expect((error as Error).message).toBe(
			'“f/first.bin” did not arrive complete, so the ZIP download was stopped.',
		);
		await expect(unzipTest(zip)).rejects.toThrow();
		await peers.finished();
		// The next file cannot open into an archive that has ended: the transfer fails, saying why.
		expect(peers.incoming.status).toBe('failed');
		expect(peers.incoming.error?.message).toContain('“f/first.bin” did not arrive complete');
	});
});
