// Fallback for browsers without save pickers (Firefox, Safari): stream into the origin-private file
// system, then hand the finished disk-backed File to a download, so no file is ever held in memory.
// The staged copy must outlive the download's start. Measured in Firefox ESR 153: removing it in the
// click's own task (or a microtask later) loses the download, and so did one of ten removals a task later
// on a busy machine; removed later it survives, even mid-way through a 1 GiB download. The page cannot
// see a download start, so the copy goes together with its object URL, after which no download can begin.
import { NameAllocator } from './filename';
import { handleSink } from './handle-sink';
import { stagingFolder } from './staging';
import type { SaveTarget } from './sink';
import type { FileMeta } from '../protocol/frames';

/** How long a staged file and its object URL stay after the download was started. */
const KEEP_FOR_DOWNLOAD_MS = 60_000;

export function hasOpfsWritable(): boolean {
	return (
		typeof navigator.storage?.getDirectory === 'function' &&
		typeof FileSystemFileHandle !== 'undefined' &&
		'createWritable' in FileSystemFileHandle.prototype
	);
}

function download(file: File, name: string, removeStaged: () => Promise<void>): void {
	const url = URL.createObjectURL(file);
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	a.rel = 'noopener';
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => {
		URL.revokeObjectURL(url);
		// Left for the clean-up at the next start when it cannot be removed now.
		removeStaged().catch((error: unknown) => console.warn('Could not remove a staged file yet:', error));
	}, KEEP_FOR_DOWNLOAD_MS);
}

export async function opfsDownloadTarget(transferId: string): Promise<SaveTarget> {
	const dir = await stagingFolder(transferId);
	const names = new NameAllocator();
	return {
		description: 'your Downloads',
		async open(_index: number, meta: FileMeta) {
			const name = names.take(meta.name);
			const handle = await dir.getFileHandle(name, { create: true });
			const remove = () => dir.removeEntry(name);
			return handleSink(handle, {
				discard: remove,
				committed: async (file) => download(file, name, remove),
			});
		},
	};
}
