import { describe, expect, it } from 'vitest';
import { StreamedFile } from '../../src/lib/sinks/streamed-download';

const meta = { name: 'a.bin', size: 6, type: '', lastModified: 0 };

describe('StreamedFile', () => {
	it('streams the one file’s bytes as they are written, and ends when it closes', async () => {
		const target = new StreamedFile('your Downloads', 'a.bin');
		const body = new Response(target.stream).arrayBuffer();
		const sink = await target.open(0, meta);
		await sink.write(new Uint8Array([1, 2, 3]));
		await sink.write(new Uint8Array([4, 5, 6]));
		expect(await sink.close()).toBe(6);
		target.finish();
		expect([...new Uint8Array(await body)]).toEqual([1, 2, 3, 4, 5, 6]);
	});

	it('holds the writer back until the download reads: a write waits for its reader', async () => {
		const target = new StreamedFile('your Downloads', 'a.bin');
		const sink = await target.open(0, meta);
		let written = false;
		const write = sink.write(new Uint8Array([1])).then(() => (written = true));
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(written).toBe(false);
		await target.stream.getReader().read();
		await write;
		expect(written).toBe(true);
	});

	it('ends the download with an error naming the file when the engine aborts it', async () => {
		const target = new StreamedFile('your Downloads', 'a.bin');
		const body = new Response(target.stream).arrayBuffer();
		const sink = await target.open(0, meta);
		await sink.abort();
		await expect(body).rejects.toThrow('“a.bin” did not arrive complete, so its download was stopped.');
	});

	it('ends the download with the transfer’s reason when it fails before the file opened', async () => {
		const target = new StreamedFile('your Downloads', 'a.bin');
		target.fail('The other device left.');
		await expect(target.stream.getReader().read()).rejects.toThrow('The other device left.');
	});

	it('refuses a second file: several go as a ZIP', async () => {
		const target = new StreamedFile('your Downloads', 'a.bin');
		await target.open(0, meta);
		await expect(target.open(1, meta)).rejects.toThrow('several go as a ZIP');
	});
});
