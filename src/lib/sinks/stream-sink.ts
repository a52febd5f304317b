// A file sink that feeds a stream read by someone else (a ZIP writer, a streamed download): each write waits
// until the reader took the chunk, so a slow disk holds the sender back instead of filling memory here.
import type { FileSink } from './sink';

export interface StreamSink {
	/** What was written, in order; it ends when the sink closes and errors when `error` is called. */
	readonly readable: ReadableStream<Uint8Array>;
	readonly sink: FileSink;
	/** Ends the stream with `reason`: the reader sees it, and a write waiting for the reader fails with it. */
	error(reason: Error): void;
}

/**
 * A sink whose bytes come out of `readable`. The readable side's high-water mark is 0, so a write completes
 * only when the reader asks for the chunk: one chunk waits in the stream, the next in `write`. `aborted`
 * runs on `abort()`, the engine's way of saying the file will not be complete.
 */
export function streamSink(aborted: () => void): StreamSink {
	let controller!: TransformStreamDefaultController<Uint8Array>;
	const stream = new TransformStream<Uint8Array, Uint8Array>({ start: (c) => void (controller = c) });
	const writer = stream.writable.getWriter();
	let written = 0;
	return {
		readable: stream.readable,
		// Not writer.abort(): that waits for a write in progress, which waits for a reader that may be gone.
		error: (reason) => controller.error(reason),
		sink: {
			write: async (chunk) => {
				await writer.write(chunk);
				written += chunk.byteLength;
			},
			close: async () => {
				await writer.close();
				return written;
			},
			abort: async () => aborted(),
		},
	};
}
