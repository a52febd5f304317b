// The real unzip tool, run on archives the app wrote: its own check, the entry names, and what it extracts,
// so ZIP tests trust no reader of ours (unit tests of ZipTarget, and the Firefox e2e's download).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const UNZIP = '/usr/bin/unzip';
/** unzip turns the UTF-8 names flagged in the archive into the locale's encoding. */
export const UNZIP_ENV = { ...process.env, LC_ALL: 'C.UTF-8' };

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export type Found = Map<string, { sha256?: string; mtimeMs?: number }>;

/** Every path (folders end in "/") under `root`, with each file's SHA-256 and modification time. */
export async function tree(root: string): Promise<Found> {
	const found: Found = new Map();
	for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
		const full = join(entry.parentPath, entry.name);
		const path = full.slice(root.length + 1);
		if (entry.isDirectory()) found.set(`${path}/`, {});
		else found.set(path, { sha256: sha256(await readFile(full)), mtimeMs: (await stat(full)).mtimeMs });
	}
	return found;
}

export const unzipTest = (file: string) => run(UNZIP, ['-t', file], { env: UNZIP_ENV });

/** The real unzip's check of the archive, then what it extracts into `out`, read as `tree` reads a folder. */
export async function unzipped(file: string, out: string): Promise<Found> {
	await unzipTest(file);
	await run(UNZIP, ['-q', file, '-d', out], { env: UNZIP_ENV });
	return tree(out);
}

/** The entry names in the archive's central directory, in order. */
export const listing = async (file: string) =>
	(await run(UNZIP, ['-Z1', file], { env: UNZIP_ENV })).stdout.split('\n').filter(Boolean);
