import { createHash, randomBytes } from 'node:crypto';
import {
	closeSync,
	createReadStream,
	mkdirSync,
	mkdtempSync,
	openSync,
	truncateSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestFile {
	path: string;
	name: string;
	size: number;
	sha256: string;
}

export function makeDir(): string {
	return mkdtempSync(join(tmpdir(), 'pairbeam-files-'));
}

/** Writes `size` random bytes (in 1 MiB pieces, so a big file never sits whole in memory). */
export function makeFile(dir: string, name: string, size: number): TestFile {
	const path = join(dir, name);
	const hash = createHash('sha256');
	writeFileSync(path, '');
	for (let written = 0; written < size;) {
		const piece = randomBytes(Math.min(1024 * 1024, size - written));
		writeFileSync(path, piece, { flag: 'a' });
		hash.update(piece);
		written += piece.byteLength;
	}
	return { path, name, size, sha256: hash.digest('hex') };
}

/**
 * A `size`-byte file of sparse content: 1 MiB of random bytes at its start and at its end, zeros between (a
 * hole on disk, so 5 GiB take no disk space or time to write); its SHA-256 is read back from the file.
 */
export async function makeSparseFile(dir: string, name: string, size: number): Promise<TestFile> {
	const path = join(dir, name);
	const piece = Math.min(size, 1024 * 1024);
	writeFileSync(path, randomBytes(piece));
	truncateSync(path, size);
	const fd = openSync(path, 'r+');
	writeSync(fd, randomBytes(piece), 0, piece, size - piece);
	closeSync(fd);
	return { path, name, size, sha256: await sha256OfFile(path) };
}

const MiB = 1024 * 1024;
/** A few large files among the small ones, at their index in the tree. */
const LARGE: Record<number, number> = { 3: MiB, 700: 2 * MiB, 1400: 5 * MiB, 1999: 8 * MiB };
const NAMES = ['fichier-é', 'ملف', '日本語', 'plain'];

/** A folder tree on disk: every file's SHA-256 (hex) by its path from the parent of `root`, and their total size. */
export interface TestTree {
	files: Map<string, string>;
	total: number;
}

/**
 * Writes `count` files (at most 2,000) in three levels under `dir/root`: 10 folders of 5 folders of 40 files,
 * Unicode names, sizes from 0 B to 8 MiB (most a few KiB).
 */
export function makeTree(dir: string, root: string, count = 2000): TestTree {
	const tree: TestTree = { files: new Map(), total: 0 };
	for (let i = 0; i < count; i++) {
		const folder = `${root}/teil-${Math.floor(i / 200)}/${['α', 'β', 'γ', 'δ', 'ε'][Math.floor(i / 40) % 5]}`;
		mkdirSync(join(dir, folder), { recursive: true });
		const name = `${NAMES[i % NAMES.length]}-${i}.bin`;
		const size = LARGE[i] ?? (i % 50 === 0 ? 0 : 1 + ((i * 37) % 4096));
		tree.files.set(`${folder}/${name}`, makeFile(join(dir, folder), name, size).sha256);
		tree.total += size;
	}
	return tree;
}

/** SHA-256 (hex) of a file on disk, read as a stream (a saved download may be several GiB). */
export function sha256OfFile(path: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const hash = createHash('sha256');
		createReadStream(path)
			.on('data', (chunk) => hash.update(chunk))
			.on('end', () => resolve(hash.digest('hex')))
			.on('error', reject);
	});
}
