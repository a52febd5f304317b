// A download the service worker streams as the page produces it: the worker's response body pulls one chunk
// at a time over a MessagePort, so the page reads its source only as fast as the browser writes the file
// (memory stays flat), and cancelling the download in the browser cancels the source. Every browser gets
// this one path: transferable streams are missing where it matters (Safari), a port exists everywhere.
import { attachment } from './attachment';

/** What the worker's side says: give me the next chunk, or the download was stopped. */
export type PullRequest = { t: 'pull' } | { t: 'cancel' };

/** What the page answers to a pull: a chunk, the end, or why the file cannot be finished. */
export type PullAnswer = { t: 'chunk'; bytes: Uint8Array } | { t: 'done' } | { t: 'error'; message: string };

/** The answers the worker takes; anything else from the port ends the download with an error. */
function isAnswer(value: unknown): value is PullAnswer {
	if (typeof value !== 'object' || value === null) return false;
	const answer = value as Record<string, unknown>;
	return (
		(answer.t === 'chunk' && answer.bytes instanceof Uint8Array) ||
		answer.t === 'done' ||
		(answer.t === 'error' && typeof answer.message === 'string')
	);
}

/**
 * The page's side: answers each pull with the next chunk of `source`, and cancels it when the worker's side
 * says the download was stopped; settles once the source ended, failed or was cancelled. Chunks are copied
 * into the message, not transferred: the source may hand out views of buffers it still uses.
 */
export function feedPort(port: MessagePort, source: ReadableStream<Uint8Array>): Promise<void> {
	const reader = source.getReader();
	return new Promise((ended) => {
		const end = () => {
			port.close();
			ended();
		};
		port.onmessage = async ({ data }: MessageEvent<PullRequest>) => {
			if (data?.t === 'cancel') {
				await reader.cancel('The download was stopped in the browser.').catch(() => undefined);
				return end();
			}
			if (data?.t !== 'pull') return;
			const answer = (message: PullAnswer) => port.postMessage(message);
			try {
				const { value, done } = await reader.read();
				answer(done ? { t: 'done' } : { t: 'chunk', bytes: value });
				if (done) end();
			} catch (error) {
				answer({ t: 'error', message: error instanceof Error ? error.message : String(error) });
				end();
			}
		};
	});
}

/**
 * The worker's side: a stream whose every read asks the page for one chunk. It errors with the page's
 * reason when the source failed (the browser then marks the download failed, never a short file complete).
 */
export function pulledStream(port: MessagePort): ReadableStream<Uint8Array> {
	let waiting: ((answer: unknown) => void) | undefined;
	port.onmessage = ({ data }: MessageEvent<unknown>) => {
		const wake = waiting;
		waiting = undefined;
		wake?.(data);
	};
	const ask = (request: PullRequest) => port.postMessage(request);
	return new ReadableStream<Uint8Array>(
		{
			pull: async (controller) => {
				const answer = await new Promise<unknown>((resolve) => {
					waiting = resolve;
					ask({ t: 'pull' });
				});
				if (!isAnswer(answer)) {
					port.close();
					controller.error(new Error('The page sent something that is not part of the download.'));
				} else if (answer.t === 'chunk') {
					controller.enqueue(answer.bytes);
				} else if (answer.t === 'done') {
					port.close();
					controller.close();
				} else {
					port.close();
					controller.error(new Error(answer.message));
				}
			},
			cancel: () => {
				ask({ t: 'cancel' });
				port.close();
			},
		},
		{ highWaterMark: 0 },
	);
}

/** Where the page sends the browser to start a download the service worker streams: this, then its id. */
export const DOWNLOAD_PATH = '/download/';

/** The page's note to the service worker, with the port for the pulls: the next download of `id` is this. */
export interface DownloadRequest {
	type: 'DOWNLOAD';
	id: string;
	name: string;
	contentType: string;
	/** The file's size when it is known (one file), for the browser's progress; absent for a ZIP. */
	size?: number;
}

export function isDownloadRequest(value: unknown): value is DownloadRequest {
	if (typeof value !== 'object' || value === null) return false;
	const request = value as Record<string, unknown>;
	return (
		request.type === 'DOWNLOAD' &&
		typeof request.id === 'string' &&
		/^[A-Za-z0-9]{20}$/.test(request.id) &&
		typeof request.name === 'string' &&
		request.name !== '' &&
		typeof request.contentType === 'string' &&
		(request.size === undefined || (Number.isSafeInteger(request.size) && (request.size as number) >= 0))
	);
}

/** The service worker's response to the download's URL: the page's bytes, saved under the requested name. */
export function downloadResponse(request: DownloadRequest, port: MessagePort): Response {
	const headers = new Headers({
		'Content-Type': request.contentType || 'application/octet-stream',
		'Content-Disposition': attachment(request.name),
		'X-Content-Type-Options': 'nosniff',
	});
	if (request.size !== undefined) headers.set('Content-Length', String(request.size));
	return new Response(pulledStream(port), { headers });
}
