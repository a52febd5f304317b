// Both the File System Access target and the OPFS fallback write through a FileSystemFileHandle's
// writable stream, which Chromium and Firefox commit to disk on close: one sink serves both.
import type { FileSink } from './sink';

export interface SinkSteps {
	/** Runs just before the written bytes replace the file's; throwing keeps the file as it is. */
	beforeCommit?: () => Promise<void>;
	/** Runs with the saved file once it is committed. */
	committed?: (file: File) => Promise<void>;
	/** Removes the file after its writable was aborted. */
	discard?: () => Promise<void>;
}

export async function handleSink(handle: FileSystemFileHandle, steps: SinkSteps = {}): Promise<FileSink> {
	const writable = await handle.createWritable();
	return {
		write: (chunk) => writable.write(chunk as Uint8Array<ArrayBuffer>),
		async close() {
			try {
				await steps.beforeCommit?.();
			} catch (error) {
				await writable.abort().catch(() => undefined);
				throw error;
			}
			await writable.close();
			const file = await handle.getFile();
			await steps.committed?.(file);
			return file.size;
		},
		async abort() {
			await writable.abort().catch(() => undefined);
			// What stays behind when removal fails is the empty file made before writing, never partial bytes.
			await steps
				.discard?.()
				.catch((error: unknown) => console.warn('Could not remove an unfinished file:', error));
		},
	};
}
