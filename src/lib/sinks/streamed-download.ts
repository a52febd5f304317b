// Browsers without a save picker (Firefox, Safari) get a transfer as ONE download that the service worker
// streams while the bytes arrive: one file as itself, several or a folder as a ZIP (zip-target.ts). Nothing
// is staged on disk by the page; where no service worker controls the page, the caller stages in OPFS.
import { randomAlphanumeric } from '../protocol/random';
import { DOWNLOAD_PATH, feedPort, type DownloadRequest } from './download-stream';
import type { FileMeta } from '../protocol/frames';
import type { FileSink, StreamedTarget } from './sink';
import { streamSink } from './stream-sink';
import { ZipTarget } from './zip-target';

/** How long the page waits for the service worker to take a download before staging in OPFS instead. */
const READY_MS = 5_000;
/**
 * A browser stops an idle service worker after about 30 s, and a slow transfer may pull nothing for longer;
 * each message from the page counts as activity, so one goes this often while a download runs.
 */
const KEEP_ALIVE_MS = 10_000;
/** The frame that started a download stays this long after the last byte: removing it sooner may stop it. */
const KEEP_FRAME_MS = 60_000;

/** One file, streamed as itself: the download is the file, with its own name. */
export class StreamedFile implements StreamedTarget {
	readonly #entry = streamSink(() =>
		this.fail(`“${this.name}” did not arrive complete, so its download was stopped.`),
	);
	readonly oneStream = true;
	readonly stream = this.#entry.readable;
	#opened = false;

	constructor(
		readonly description: string,
		private readonly name: string,
	) {}

	async open(_index: number, _meta: FileMeta): Promise<FileSink> {
		if (this.#opened) throw new Error('A streamed download holds one file; several go as a ZIP.');
		this.#opened = true;
		return this.#entry.sink;
	}

	/** The stream ends when the file's sink closes; nothing more to write. */
	finish(): void {}

	fail(reason: string): void {
		this.#entry.error(new Error(reason));
	}
}

/** What one streamed download of an offer is: its target, and how the browser should save it. */
export interface StreamedDownload {
	target: StreamedTarget;
	file: Omit<DownloadRequest, 'type' | 'id'>;
}

/** The folder every path of the offer lies in, when one folder was sent whole; null for loose files. */
function sharedFolder(files: readonly FileMeta[], folders: readonly string[]): string | null {
	const paths = [...files.map((f) => f.path), ...folders];
	const tops = new Set(paths.map((path) => (path?.includes('/') ? path.split('/')[0] : null)));
	const [top] = tops;
	return tops.size === 1 && top ? top : null;
}

/**
 * One file sent on its own downloads as itself; anything else (several files, a folder) as one ZIP, named
 * after the folder when one was sent whole, else after the day (`today`, local time). Any size: Firefox saved
 * a 5 GiB ZIP this way with flat memory (docs/measurements.md).
 */
export function streamedDownload(
	files: readonly FileMeta[],
	folders: readonly string[],
	today: Date,
): StreamedDownload {
	const [only] = files;
	if (files.length === 1 && only.path === undefined && folders.length === 0) {
		return {
			target: new StreamedFile(only.name, only.name),
			file: { name: only.name, contentType: only.type, size: only.size },
		};
	}
	const day = [today.getFullYear(), today.getMonth() + 1, today.getDate()]
		.map((n) => String(n).padStart(2, '0'))
		.join('-');
	const name = `${sharedFolder(files, folders) ?? `pairbeam-${day}`}.zip`;
	return { target: new ZipTarget(name), file: { name, contentType: 'application/zip' } };
}

/**
 * Starts the download of `stream` through the service worker that controls this page, as `file` says;
 * resolves false, with nothing started, when there is none or it did not answer.
 */
export async function startStreamedDownload(
	stream: ReadableStream<Uint8Array>,
	file: Omit<DownloadRequest, 'type' | 'id'>,
): Promise<boolean> {
	const worker = navigator.serviceWorker?.controller;
	if (!worker) return false;
	const id = randomAlphanumeric(20);
	const { port1, port2 } = new MessageChannel();
	const ready = new Promise<boolean>((resolve) => {
		port1.onmessage = ({ data }: MessageEvent<{ t?: unknown } | null>) => resolve(data?.t === 'ready');
		setTimeout(() => resolve(false), READY_MS);
	});
	worker.postMessage({ type: 'DOWNLOAD', id, ...file } satisfies DownloadRequest, [port2]);
	if (!(await ready)) {
		port1.close();
		return false;
	}
	const fed = feedPort(port1, stream);
	const frame = document.createElement('iframe');
	frame.hidden = true;
	frame.src = `${DOWNLOAD_PATH}${id}`;
	document.body.append(frame);
	const keepAlive = setInterval(() => worker.postMessage({ type: 'KEEPALIVE' }), KEEP_ALIVE_MS);
	void fed.finally(() => {
		clearInterval(keepAlive);
		setTimeout(() => frame.remove(), KEEP_FRAME_MS);
	});
	return true;
}
