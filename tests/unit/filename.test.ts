import { describe, expect, it } from 'vitest';
import { NameAllocator, sanitizeFilename } from '../../src/lib/sinks/filename';

const bytes = (text: string): number => new TextEncoder().encode(text).length;
/** True when the string has no unpaired surrogate (so it was not cut inside a code point). */
const wellFormed = (text: string): boolean =>
	!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

describe('sanitizeFilename', () => {
	it.each([
		['plain ASCII', 'report.pdf', 'report.pdf'],
		['Unicode', 'résumé 日本.pdf', 'résumé 日本.pdf'],
		['emoji', '🎉 party.jpg', '🎉 party.jpg'],
		['decomposed accents (NFC)', 're\u0301sume\u0301.txt', 'résumé.txt'],
		['path traversal', '../../etc/passwd', '.._.._etc_passwd'],
		['backslashes', 'C:\\Windows\\win.ini', 'C__Windows_win.ini'],
		['forbidden characters', 'a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
		['C0 controls', 'a\u0000b\nc\u001f.txt', 'a_b_c_.txt'],
		['DEL and C1 controls', 'a\u007fb\u0085c\u009f', 'a_b_c_'],
		['a lone surrogate', 'a\ud800b.txt', 'a_b.txt'],
		['surrounding spaces', '  name.txt  ', 'name.txt'],
		['trailing dots', 'name...', 'name'],
		['trailing dots and spaces', 'name. . ', 'name'],
		['a leading dot', '.bashrc', '.bashrc'],
		['leading dots', '..hidden', '..hidden'],
		['"."', '.', 'file'],
		['".."', '..', 'file'],
		['empty', '', 'file'],
		['only spaces', '   ', 'file'],
		['CON', 'CON', '_CON'],
		['con.txt', 'con.txt', '_con.txt'],
		['Nul.tar.gz', 'Nul.tar.gz', '_Nul.tar.gz'],
		['COM1', 'COM1.log', '_COM1.log'],
		['LPT9', 'lpt9', '_lpt9'],
		['AUX with trailing dot', 'AUX.', '_AUX'],
		['COM0 (not reserved)', 'COM0.txt', 'COM0.txt'],
		['CONSOLE (not reserved)', 'CONSOLE.txt', 'CONSOLE.txt'],
		['CONIN$', 'CONIN$', '_CONIN$'],
		['conout$.txt', 'conout$.txt', '_conout$.txt'],
		['CLOCK$', 'Clock$.log', '_Clock$.log'],
		['a device name with a space before the extension', 'con .txt', '_con .txt'],
		['a device name with spaces and dots before the extension', 'NUL . .tar.gz', '_NUL . .tar.gz'],
		['COM1 with a space before the extension', 'COM1 .log', '_COM1 .log'],
		['a device name hidden by a zero-width space', 'CON\u200b.txt', '_CON.txt'],
		['a device name followed by other words (not reserved)', 'con test.txt', 'con test.txt'],
		['right-to-left override', 'invoice\u202efdp.exe', 'invoicefdp.exe'],
		['bidi isolates and marks', '\u2067a\u2069b\u200e\u200f\u061c.txt', 'ab.txt'],
		['zero-width space, joiner and non-joiner between letters', 'a\u200bb\u200cc\u200dd.txt', 'abcd.txt'],
		['a byte-order mark and word joiner', '\ufeffname\u2060.txt', 'name.txt'],
		['a soft hyphen', 'in\u00advoice.pdf', 'invoice.pdf'],
		['an invisible extension after a space', 'photo.jpg\u200b', 'photo.jpg'],
		['only invisible characters', '\u202e\u200b\ufeff', 'file'],
		['an emoji ZWJ sequence (kept)', '👩\u200d💻 notes.md', '👩\u200d💻 notes.md'],
		['an emoji ZWJ sequence with skin tone (kept)', '🧑🏽\u200d🚀.png', '🧑🏽\u200d🚀.png'],
	])('handles %s', (_name, input, output) => expect(sanitizeFilename(input)).toBe(output));

	it('keeps names of exactly 255 bytes', () => {
		const name = 'é'.repeat(125) + '.txt1'; // 250 + 5 bytes
		expect(bytes(name)).toBe(255);
		expect(sanitizeFilename(name)).toBe(name);
	});

	it('truncates long names to 255 bytes, keeping the extension', () => {
		const name = 'a'.repeat(300) + '.pdf';
		const safe = sanitizeFilename(name);
		expect(safe).toBe('a'.repeat(251) + '.pdf');
	});

	it('truncates 300-character emoji names without splitting a code point', () => {
		for (const prefix of ['', 'x', 'xy', 'xyz']) {
			const safe = sanitizeFilename(prefix + '😀'.repeat(300) + '.jpeg');
			expect(bytes(safe)).toBeLessThanOrEqual(255);
			expect(bytes(safe)).toBeGreaterThan(255 - 4);
			expect(safe.endsWith('😀.jpeg')).toBe(true);
			expect(wellFormed(safe)).toBe(true);
		}
	});

	it('truncates a long name without extension', () => {
		const safe = sanitizeFilename('日'.repeat(300));
		expect(safe).toBe('日'.repeat(85));
	});

	it('treats a very long final part as no extension', () => {
		const safe = sanitizeFilename('a'.repeat(300) + '.' + 'b'.repeat(20));
		expect(safe).toBe('a'.repeat(255));
	});

	it('does not leave a trailing dot or space after truncating', () => {
		const safe = sanitizeFilename('a'.repeat(254) + '. b');
		expect(safe).toBe('a'.repeat(254));
	});

	it('does not turn a long name into a device name by truncating it', () => {
		const safe = sanitizeFilename('con' + ' '.repeat(300) + 'x.txt');
		expect(safe).toBe('_con.txt');
	});

	it('leaves no format character (Unicode Cf) outside emoji sequences', () => {
		const format = /\p{Cf}/u;
		for (let code = 0; code <= 0x10ffff; code++) {
			if (code >= 0xd800 && code <= 0xdfff) continue;
			const char = String.fromCodePoint(code);
			if (!format.test(char)) continue;
			expect(sanitizeFilename(`a${char}b.txt`)).toBe('ab.txt');
		}
	});
});

describe('NameAllocator', () => {
	it('numbers repeats before the extension, case-insensitively', () => {
		const names = new NameAllocator();
		expect(names.take('photo.jpg')).toBe('photo.jpg');
		expect(names.take('photo.jpg')).toBe('photo (1).jpg');
		expect(names.take('PHOTO.JPG')).toBe('PHOTO (2).JPG');
		expect(names.take('photo (1).jpg')).toBe('photo (1) (1).jpg');
		expect(names.take('other')).toBe('other');
		expect(names.take('other')).toBe('other (1)');
	});

	it('compares sanitised names', () => {
		const names = new NameAllocator();
		expect(names.take('a/b')).toBe('a_b');
		expect(names.take('a\\b')).toBe('a_b (1)');
		expect(names.take('')).toBe('file');
		expect(names.take('..')).toBe('file (1)');
	});

	it('gives 1000 identical names 1000 distinct names', () => {
		const names = new NameAllocator();
		const taken = Array.from({ length: 1000 }, () => names.take('same.txt'));
		expect(new Set(taken.map((n) => n.toLowerCase())).size).toBe(1000);
		expect(taken[999]).toBe('same (999).txt');
	});

	it('skips names already in the folder, case-insensitively and in any Unicode normal form', () => {
		const names = new NameAllocator();
		names.reserve('Report.PDF');
		names.reserve('.npmrc');
		names.reserve('re\u0301sume\u0301.txt');
		expect(names.take('report.pdf')).toBe('report (1).pdf');
		expect(names.take('.npmrc')).toBe('.npmrc (1)');
		expect(names.take('résumé.txt')).toBe('résumé (1).txt');
		expect(names.take('other.txt')).toBe('other.txt');
	});

	it('skips a numbered name that is already in the folder', () => {
		const names = new NameAllocator();
		names.reserve('a.txt');
		names.reserve('a (1).txt');
		expect(names.take('a.txt')).toBe('a (2).txt');
		names.reserve('a (3).txt');
		expect(names.take('a.txt')).toBe('a (4).txt');
	});

	it('stays within 255 bytes when numbering long names', () => {
		const names = new NameAllocator();
		const long = '😀'.repeat(300) + '.png';
		const taken = Array.from({ length: 12 }, () => names.take(long));
		expect(new Set(taken).size).toBe(12);
		for (const name of taken) {
			expect(bytes(name)).toBeLessThanOrEqual(255);
			expect(wellFormed(name)).toBe(true);
		}
		expect(taken[11].endsWith(' (11).png')).toBe(true);
	});
});
