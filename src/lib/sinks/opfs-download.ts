// Fallback for browsers without save pickers (Firefox, Safari): stream into the origin-private file
// system, then hand the finished disk-backed File to a download, so no file is ever held in memory.
import { NameAllocator } from './filename';
import { handleSink } from './handle-sink';
import type { SaveTarget } from './sink';
import type { FileMeta } from '../protocol/frames';

const STAGING_DIR = 'pairbeam-incoming';

export function hasOpfsWritable(): boolean {
	return (
		typeof navigator.storage?.getDirectory === 'function' &&
		typeof FileSystemFileHandle !== 'undefined' &&
		'createWritable' in FileSystemFileHandle.prototype
	);
}

function download(file: File, name: string): void {
	const url = URL.createObjectURL(file);
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	a.rel = 'noopener';
	document.body.append(a);
	a.click();
	a.remove();
	// The download has its own reference to the file; the URL is no longer needed after a while.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Removes files staged by earlier sessions (their downloads have long finished). */
export async function clearStaging(): Promise<void> {
	const root = await navigator.storage.getDirectory();
	await root.removeEntry(STAGING_DIR, { recursive: true }).catch(() => undefined);
}

export async function opfsDownloadTarget(transferId: string): Promise<SaveTarget> {
	const root = await navigator.storage.getDirectory();
	const staging = await root.getDirectoryHandle(STAGING_DIR, { create: true });
	const dir = await staging.getDirectoryHandle(transferId, { create: true });
	const names = new NameAllocator();
	return {
		description: 'your Downloads',
		async open(_index: number, meta: FileMeta) {
			const name = names.take(meta.name);
			const handle = await dir.getFileHandle(name, { create: true });
			return handleSink(
				handle,
				() => dir.removeEntry(name).catch(() => undefined),
				async (file) => download(file, name),
			);
		},
	};
}
