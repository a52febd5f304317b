import { describe, expect, it } from 'vitest';
import { attachment } from '../../src/lib/sinks/attachment';

/** The name a browser takes from `filename*` (RFC 8187: charset, empty language, percent-encoded UTF-8). */
function savedName(header: string): string {
	const match = /filename\*=UTF-8''([^;\s]*)$/.exec(header);
	if (!match) throw new Error(`no filename* in ${header}`);
	return decodeURIComponent(match[1]);
}

describe('attachment', () => {
	it('keeps a plain name as it is in both parameters', () => {
		expect(attachment('photos.zip')).toBe(`attachment; filename="photos.zip"; filename*=UTF-8''photos.zip`);
	});

	it.each([
		'Ünïcödé 写真 ✓.zip',
		'صور.zip',
		'a "quoted" \\ name.txt',
		"it's (1) * 100%.bin",
		'semi;colon,comma.txt',
	])('gives %s back exactly from filename*, with only safe ASCII in the header', (name) => {
		const header = attachment(name);
		expect(savedName(header)).toBe(name);
		expect(header).toMatch(/^[\x20-\x7e]+$/);
		expect(header.match(/"/g)).toHaveLength(2);
		expect(() => new Headers({ 'Content-Disposition': header })).not.toThrow();
	});

	it('puts a readable ASCII stand-in in the quoted filename', () => {
		expect(attachment('Ünï "x".zip')).toMatch(/^attachment; filename="_n_ _x_.zip"; /);
	});

	it('cannot be split into a second header by a line break in the name', () => {
		const header = attachment('a\r\nSet-Cookie: x=1.txt');
		expect(header).not.toMatch(/[\r\n]/);
		expect(savedName(header)).toBe('a\r\nSet-Cookie: x=1.txt');
	});
});
