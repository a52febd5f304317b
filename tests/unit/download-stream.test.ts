import { describe, expect, it } from 'vitest';
import {
	downloadResponse,
	feedPort,
	isDownloadRequest,
	pulledStream,
	type DownloadRequest,
} from '../../src/lib/sinks/download-stream';

/** A source of `count` chunks of `size` bytes (chunk i filled with i), counting how often it was pulled. */
function countedSource(count: number, size = 4) {
	const seen = { pulls: 0, cancelled: undefined as unknown };
	const source = new ReadableStream<Uint8Array>(
		{
			pull: (controller) => {
				if (seen.pulls === count) return controller.close();
				controller.enqueue(new Uint8Array(size).fill(seen.pulls));
				seen.pulls += 1;
			},
			cancel: (reason) => void (seen.cancelled = reason),
		},
		{ highWaterMark: 0 },
	);
	return { source, seen };
}

/** The page's source fed to the worker's stream, as the service worker would get it. */
function linked(source: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
	const { port1, port2 } = new MessageChannel();
	feedPort(port1, source);
	return pulledStream(port2);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('a download pulled over a message port', () => {
	it('carries every chunk in order, then ends, and the page hears it ended', async () => {
		const { source } = countedSource(5);
		const { port1, port2 } = new MessageChannel();
		const fed = feedPort(port1, source);
		const chunks: number[] = [];
		for await (const chunk of pulledStream(port2)) chunks.push(...chunk);
		expect(chunks).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]);
		await expect(fed).resolves.toBeUndefined();
	});

	it('reads the source only as the download is read: one chunk per read', async () => {
		const { source, seen } = countedSource(100);
		const reader = linked(source).getReader();
		await settle();
		expect(seen.pulls).toBe(0);
		await reader.read();
		await reader.read();
		await settle();
		expect(seen.pulls).toBe(2);
	});

	it('sends a copy and leaves the source’s buffer usable (not transferred away)', async () => {
		const buffer = new Uint8Array([1, 2, 3]);
		const source = new ReadableStream<Uint8Array>({
			pull: (controller) => {
				controller.enqueue(buffer);
				controller.close();
			},
		});
		const reader = linked(source).getReader();
		const { value } = await reader.read();
		expect(buffer.byteLength).toBe(3);
		buffer.fill(9);
		expect([...(value ?? [])]).toEqual([1, 2, 3]);
	});

	it('ends the download with the source’s error, never as a complete file', async () => {
		const source = new ReadableStream<Uint8Array>({
			pull: (controller) => controller.error(new Error('“a.txt” did not arrive complete.')),
		});
		await expect(linked(source).getReader().read()).rejects.toThrow('“a.txt” did not arrive complete.');
	});

	it('cancels the source when the download is stopped in the browser', async () => {
		const { source, seen } = countedSource(100);
		const download = linked(source);
		const reader = download.getReader();
		await reader.read();
		await reader.cancel();
		await settle();
		expect(seen.cancelled).toBe('The download was stopped in the browser.');
	});

	it('refuses an answer that is not part of the protocol', async () => {
		const { port1, port2 } = new MessageChannel();
		port1.onmessage = () => port1.postMessage({ t: 'chunk', bytes: 'not bytes' });
		await expect(pulledStream(port2).getReader().read()).rejects.toThrow(
			'The page sent something that is not part of the download.',
		);
		port1.close();
	});
});

describe('the service worker’s download response', () => {
	const request: DownloadRequest = {
		type: 'DOWNLOAD',
		id: 'A'.repeat(20),
		name: 'Fotos 2026.zip',
		contentType: 'application/zip',
	};

	it('is an attachment under the requested name whose body is the page’s bytes', async () => {
		const { port1, port2 } = new MessageChannel();
		void feedPort(port1, new Blob(['PK', 'rest']).stream());
		const response = downloadResponse({ ...request, size: 6 }, port2);
		expect(response.headers.get('Content-Disposition')).toBe(
			`attachment; filename="Fotos 2026.zip"; filename*=UTF-8''Fotos%202026.zip`,
		);
		expect(response.headers.get('Content-Type')).toBe('application/zip');
		expect(response.headers.get('Content-Length')).toBe('6');
		expect(await response.text()).toBe('PKrest');
	});

	it('leaves the length out when it is not known (a ZIP being written)', () => {
		const { port2 } = new MessageChannel();
		expect(downloadResponse(request, port2).headers.get('Content-Length')).toBeNull();
		port2.close();
	});

	it.each([
		['another type', { ...request, type: 'SKIP_WAITING' }],
		['a short id', { ...request, id: 'abc' }],
		['an id with a slash', { ...request, id: 'A'.repeat(19) + '/' }],
		['no name', { ...request, name: '' }],
		['a negative size', { ...request, size: -1 }],
		['a fractional size', { ...request, size: 1.5 }],
		['no object', 'DOWNLOAD'],
	])('takes no request with %s', (_, value) => {
		expect(isDownloadRequest(value)).toBe(false);
	});

	it('takes a well-formed request, with or without a size', () => {
		expect([isDownloadRequest(request), isDownloadRequest({ ...request, size: 0 })]).toEqual([true, true]);
	});
});
