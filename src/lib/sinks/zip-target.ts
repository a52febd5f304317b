// Browsers without a folder picker get several files or a folder as one ZIP download that streams as the
// bytes arrive (client-zip, store-only, ZIP64): each file's sink feeds one entry, held back by the reader.
import { makeZip } from 'client-zip';
import { PathAllocator } from './filename';
import type { FileSink, StreamedTarget } from './sink';
import { streamSink, type StreamSink } from './stream-sink';
import type { FileMeta } from '../protocol/frames';

/** One entry as client-zip takes it: a file, or a folder, which has neither input nor size. */
type Entry =
	{ name: string; lastModified: number; size: number; input: ReadableStream<Uint8Array> } | { name: string };

/** The first and last moments a ZIP's DOS date holds (local time); client-zip wraps others into nonsense. */
const DOS_DATES = {
	first: new Date(1980, 0, 1).getTime(),
	last: new Date(2107, 11, 31, 23, 59, 58).getTime(),
};

/**
 * A save target whose files become the entries of one ZIP archive, read from `stream` while they arrive.
 *
 * A sink's `write` resolves once client-zip has taken the chunk, which it does only as `stream` is read:
 * with one chunk in client-zip's queue and the next waiting in `write`, at most two writes are held here.
 *
 * Bytes already read cannot be taken back, so any `abort()` (a cancelled, damaged or unverified file, the
 * peer gone) ends the archive with an error, never with a short entry; the download then fails visibly. A
 * file cancelled before it was opened is simply not in the archive. `finish()` writes the central
 * directory once every file has arrived; `fail()` ends the archive when the transfer fails between files.
 */
export class ZipTarget implements StreamedTarget {
	readonly oneStream = true;
	readonly stream: ReadableStream<Uint8Array>;
	readonly #paths = new PathAllocator();
	/** Entries opened but not yet taken by client-zip, and the wake-up of its wait for the next one. */
	readonly #entries: Entry[] = [];
	#wake: () => void = () => {};
	#finished = false;
	#failure: Error | undefined;
	/** The entries still open: a failure errors them, which also fails a write waiting for the reader. */
	readonly #open = new Set<StreamSink>();
	#controller!: ReadableStreamDefaultController<Uint8Array>;

	constructor(readonly description: string) {
		const zip = makeZip(this.#next()).getReader();
		this.stream = new ReadableStream<Uint8Array>(
			{
				start: (controller) => {
					this.#controller = controller;
				},
				pull: async (controller) => {
					const { value, done } = await zip.read();
					if (done) controller.close();
					else controller.enqueue(value);
				},
				cancel: () => this.#fail(new Error('The ZIP download was stopped before it was complete.')),
			},
			{ highWaterMark: 0 },
		);
	}

	async folders(paths: readonly string[]): Promise<void> {
		for (const path of paths) this.#add({ name: this.#paths.folder(path).join('/') });
	}

	async open(_index: number, meta: FileMeta): Promise<FileSink> {
		if (this.#failure) throw this.#failure;
		const saved = meta.path === undefined ? [this.#paths.loose(meta.name)] : this.#paths.file(meta.path);
		const name = saved.join('/');
		const entry = streamSink(() =>
			this.#fail(new Error(`“${name}” did not arrive complete, so the ZIP download was stopped.`)),
		);
		this.#open.add(entry);
		const lastModified = Math.min(Math.max(meta.lastModified, DOS_DATES.first), DOS_DATES.last);
		// client-zip counts a stream's bytes itself and chooses ZIP64 from that count; the size is for its
		// length prediction (predictLength), the same either way.
		this.#add({ name, lastModified, size: meta.size, input: entry.readable });
		return {
			...entry.sink,
			close: () => {
				this.#open.delete(entry);
				return entry.sink.close();
			},
		};
	}

	/** Every file has arrived: the archive ends with its central directory. */
	finish(): void {
		this.#finished = true;
		this.#wake();
	}

	/** The transfer failed with no file open: the archive ends with `reason` as its error. */
	fail(reason: string): void {
		this.#fail(new Error(reason));
	}

	#add(entry: Entry): void {
		this.#entries.push(entry);
		this.#wake();
	}

	/** The first failure is the archive's error; waiting and later writes, and opens, fail with it. */
	#fail(failure: Error): void {
		if (this.#failure) return;
		this.#failure = failure;
		this.#controller.error(failure);
		for (const entry of this.#open) entry.error(failure);
		this.#open.clear();
		this.#wake();
	}

	/** The entries for client-zip, one at a time as the engine opens files, until finish() or a failure. */
	async *#next(): AsyncGenerator<Entry> {
		for (;;) {
			if (this.#failure) throw this.#failure;
			const entry = this.#entries.shift();
			if (entry) yield entry;
			else if (this.#finished) return;
			else await new Promise<void>((resolve) => (this.#wake = resolve));
		}
	}
}
