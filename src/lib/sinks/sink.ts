import type { FileMeta } from '../protocol/frames';

/** Where one received file's bytes go. Writes arrive in order; nothing is kept in memory by the sink. */
export interface FileSink {
	write(chunk: Uint8Array): Promise<void>;
	/** Commits the file and returns the size now on disk, read back from the saved file. */
	close(): Promise<number>;
	/** Discards what was written (cancel, error, peer gone): no partial file is left as if complete. */
	abort(): Promise<void>;
}

/** Where a whole transfer is saved, chosen by the user before the first byte arrives. */
export interface SaveTarget {
	/** Human words for where the files go, e.g. “Downloads/report.pdf” or “the folder you chose”. */
	readonly description: string;
	/** Opens the file of the offer at `index`; `meta.path`, when present, is where it goes in the folder. */
	open(index: number, meta: FileMeta): Promise<FileSink>;
	/**
	 * Makes the offer's empty folders (paths checked by `validatePath`), before any file is opened. A
	 * target that cannot keep folders leaves this out.
	 */
	folders?(paths: readonly string[]): Promise<void>;
	/**
	 * What is saved goes out as one stream (a ZIP, a streamed download): bytes handed on cannot be taken back,
	 * so cancelling a file once it started ends the whole save.
	 */
	readonly oneStream?: boolean;
	/** Every file of the transfer is saved and verified: a target written as one stream (a ZIP) ends it here. */
	finish?(): void;
	/** The transfer ended without every file (failed, cancelled): such a stream ends with `reason` as its error. */
	fail?(reason: string): void;
}

/** A target whose bytes come out of one stream (a ZIP, a single file) that a download reads as they arrive. */
export interface StreamedTarget extends SaveTarget {
	readonly oneStream: true;
	readonly stream: ReadableStream<Uint8Array>;
	finish(): void;
	fail(reason: string): void;
}
