// Both the File System Access target and the OPFS fallback write through a FileSystemFileHandle's
// writable stream, which Chromium and Firefox commit to disk on close: one sink serves both.
import type { FileSink } from './sink';

export async function handleSink(
	handle: FileSystemFileHandle,
	onDiscard: () => Promise<void>,
	onCommitted: (file: File) => Promise<void> = async () => {},
): Promise<FileSink> {
	const writable = await handle.createWritable();
	return {
		write: (chunk) => writable.write(chunk as Uint8Array<ArrayBuffer>),
		async close() {
			await writable.close();
			const file = await handle.getFile();
			await onCommitted(file);
			return file.size;
		},
		async abort() {
			await writable.abort().catch(() => undefined);
			await onDiscard();
		},
	};
}
