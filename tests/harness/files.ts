import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
