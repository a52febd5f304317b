import { describe, expect, it } from 'vitest';
import { StreamedFile, streamedDownload } from '../../src/lib/sinks/streamed-download';
import { ZipTarget } from '../../src/lib/sinks/zip-target';

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

describe('streamedDownload', () => {
	const day = new Date(2026, 11, 1, 23, 30);
	const file = (name: string, path?: string) => ({
		name,
		size: 10,
		type: 'text/plain',
		lastModified: 0,
		...(path === undefined ? {} : { path }),
	});

	it('downloads one loose file as itself, with its type and size', () => {
		const { target, file: download } = streamedDownload([file('report.pdf')], [], day);
		expect(target).toBeInstanceOf(StreamedFile);
		expect(download).toEqual({ name: 'report.pdf', contentType: 'text/plain', size: 10 });
	});

	it('names the ZIP after the folder sent whole, empty folders included', () => {
		const { target, file: download } = streamedDownload(
			[file('a.txt', 'Fotos 2026/a.txt'), file('b.txt', 'Fotos 2026/x/b.txt')],
			['Fotos 2026/leer'],
			day,
		);
		expect(target).toBeInstanceOf(ZipTarget);
		expect(download).toEqual({ name: 'Fotos 2026.zip', contentType: 'application/zip' });
	});

	it.each([
		['several loose files', [file('a.txt'), file('b.txt')], []],
		['a folder and a loose file', [file('a.txt', 'f/a.txt'), file('b.txt')], []],
		['two folders', [file('a.txt', 'f/a.txt'), file('b.txt', 'g/b.txt')], []],
		['one file with an empty folder beside it', [file('a.txt')], ['empty']],
	])('names the ZIP of %s after the day', (_, files, folders) => {
		const { target, file: download } = streamedDownload(files, folders, day);
		expect(target).toBeInstanceOf(ZipTarget);
		expect(download.name).toBe('pairbeam-2026-12-01.zip');
	});

	it('sends even a single file inside a folder as a ZIP, so its folder is kept', () => {
		expect(streamedDownload([file('a.txt', 'f/a.txt')], [], day).file.name).toBe('f.zip');
	});

	it('streams an offer of any size: 5 GiB alone as itself, or beside another file in a ZIP', () => {
		const huge = { ...file('big.bin'), size: 5 * 2 ** 30 };
		expect(streamedDownload([huge], [], day).file).toMatchObject({ name: 'big.bin', size: huge.size });
		expect(streamedDownload([huge, file('a.txt')], [], day).target).toBeInstanceOf(ZipTarget);
	});
});
