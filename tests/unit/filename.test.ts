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
