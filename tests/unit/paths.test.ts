import { describe, expect, it } from 'vitest';
import {
	MAX_NAME_BYTES,
	MAX_PATH_CHARS,
	MAX_PATH_SEGMENTS,
	validatePath,
	type PathProblem,
} from '../../src/lib/protocol/paths';
import { english, pathReason } from '../../src/lib/errors';
import { PathAllocator, savePathSegments } from '../../src/lib/sinks/filename';

/** The English reason for `problem`, without the isolation marks around the path and name. */
const words = (problem: PathProblem): string => pathReason(english, problem).replace(/[\u2068\u2069]/g, '');

const bytes = (text: string): number => new TextEncoder().encode(text).length;
/** `count` segments of `length` characters each, joined by "/". */
const segments = (count: number, length: number): string =>
	Array.from({ length: count }, () => 'a'.repeat(length)).join('/');

describe('validatePath', () => {
	it('has the bounds the protocol documents', () => {
		expect(MAX_PATH_SEGMENTS).toBe(32);
		expect(MAX_NAME_BYTES).toBe(255);
		expect(MAX_PATH_CHARS).toBe(4096);
	});

	it.each([
		['an empty path', '', 'A path is empty.'],
		['a parent segment', '../a', 'The path “../a” leaves the chosen folder.'],
		['parent segments inside', 'a/../../b', 'The path “a/../../b” leaves the chosen folder.'],
		['a final parent segment', 'a/..', 'The path “a/..” leaves the chosen folder.'],
		['a leading slash', '/etc/passwd', 'The path “/etc/passwd” is absolute; it must be relative.'],
		[
			'a UNC path with slashes',
			'//server/share',
			'The path “//server/share” is absolute; it must be relative.',
		],
		['a UNC path', '\\\\server\\share', 'The path “\\\\server\\share” is absolute; it must be relative.'],
		['a leading backslash', '\\x', 'The path “\\x” is absolute; it must be relative.'],
		['a drive and backslash', 'C:\\x', 'The path “C:\\x” is absolute; it must be relative.'],
		['a drive-relative path', 'C:x', 'The path “C:x” is absolute; it must be relative.'],
		['a bare drive', 'z:', 'The path “z:” is absolute; it must be relative.'],
		['a backslash', 'a\\b', 'The path “a\\b” has a backslash; folders are separated by “/”.'],
		['an empty segment', 'a//b', 'The path “a//b” has an empty name between two “/”.'],
		['a trailing slash', 'a/', 'The path “a/” has an empty name between two “/”.'],
		['a current-folder segment', './a', 'The path “./a” has a “.” for a name.'],
		['a current-folder segment inside', 'a/./b', 'The path “a/./b” has a “.” for a name.'],
		['a reserved folder name', 'con/x.txt', 'The path “con/x.txt” uses “con”, a name Windows reserves.'],
		[
			'a reserved name before a space',
			'a/CON .txt',
			'The path “a/CON .txt” uses “CON .txt”, a name Windows reserves.',
		],
		['a reserved name with superscript', 'LPT¹', 'The path “LPT¹” uses “LPT¹”, a name Windows reserves.'],
		[
			'a right-to-left override',
			'a/\u202Efdp.exe',
			'The path “a/[U+202E]fdp.exe” has an invisible formatting character.',
		],
		['a zero-width space', 'a\u200Bb', 'The path “a[U+200B]b” has an invisible formatting character.'],
		[
			'a zero-width joiner between letters',
			'a\u200Db',
			'The path “a[U+200D]b” has an invisible formatting character.',
		],
		['a byte-order mark', '\uFEFFa', 'The path “[U+FEFF]a” has an invisible formatting character.'],
		[
			'an astral format character',
			'a\u{E0001}',
			'The path “a[U+E0001]” has an invisible formatting character.',
		],
		['a NUL', 'a\u0000b', 'The path “a[U+0000]b” has a control character.'],
		['a newline', 'a/b\n', 'The path “a/b[U+000A]” has a control character.'],
		['a DEL', '\u007F', 'The path “[U+007F]” has a control character.'],
		['a C1 control', 'a\u0085', 'The path “a[U+0085]” has a control character.'],
		['a lone surrogate', 'a/\uD800.txt', 'The path “a/[U+D800].txt” is not valid text.'],
		['33 segments', segments(33, 1), 'has more than 32 parts.'],
		['a 256-byte segment', `a/${'é'.repeat(128)}`, 'has a name longer than 255 bytes.'],
		['4,097 characters', `${segments(16, 240)}/${'a'.repeat(241)}`, 'is longer than 4,096 characters.'],
	])('refuses %s', (_name, path, reason) => {
		const result = validatePath(path);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(words(result.error).endsWith(reason)).toBe(true);
	});

	it('gives the problem as a code with the whole path, and the name at fault', () => {
		expect(validatePath('a/../b')).toEqual({ ok: false, error: { why: 'climbs', path: 'a/../b' } });
		expect(validatePath('src/aux.c')).toEqual({
			ok: false,
			error: { why: 'reserved', path: 'src/aux.c', name: 'aux.c' },
		});
	});

	it('shows a long path shortened in its reason', () => {
		const result = validatePath(`${segments(16, 240)}/${'a'.repeat(241)}`);
		if (result.ok) throw new Error('accepted');
		expect(words(result.error)).toBe(`The path “${'a'.repeat(60)}…” is longer than 4,096 characters.`);
	});

	it('shows a long reserved name shortened', () => {
		const name = `con.${'x'.repeat(200)}`;
		const result = validatePath(`a/${name}`);
		if (result.ok) throw new Error('accepted');
		expect(words(result.error)).toBe(
			`The path “a/${name.slice(0, 58)}…” uses “${name.slice(0, 60)}…”, a name Windows reserves.`,
		);
	});

	it('shortens a reason by whole characters', () => {
		const result = validatePath(`a${'😀'.repeat(70)}\u202E`);
		if (result.ok) throw new Error('accepted');
		expect(words(result.error)).toBe(
			`The path “a${'😀'.repeat(59)}…” has an invisible formatting character.`,
		);
	});

	it('isolates the path and the name in a reason, so their direction cannot reorder the sentence', () => {
		expect(pathReason(english, { why: 'reserved', path: 'مجلد/con', name: 'con' })).toBe(
			'The path “\u2068مجلد/con\u2069” uses “\u2068con\u2069”, a name Windows reserves.',
		);
	});

	it.each([
		['one name', 'a.jpg', ['a.jpg']],
		['a folder tree', 'photos/2026/a.jpg', ['photos', '2026', 'a.jpg']],
		['Unicode', 'résumé/日本語/Ωmega.txt', ['résumé', '日本語', 'Ωmega.txt']],
		['an emoji ZWJ sequence', '👩\u200D💻 work/🧑🏽\u200D🚀.png', ['👩\u200D💻 work', '🧑🏽\u200D🚀.png']],
		['spaces', 'my photos/summer 2026/IMG 001.jpg', ['my photos', 'summer 2026', 'IMG 001.jpg']],
		['dots inside names', 'v1.2.3/archive.tar.gz', ['v1.2.3', 'archive.tar.gz']],
		['dotfiles', '.config/app/.npmrc', ['.config', 'app', '.npmrc']],
		['three dots', '.../a', ['...', 'a']],
		[
			'names that only start like reserved ones',
			'conference/COM0/console.txt',
			['conference', 'COM0', 'console.txt'],
		],
		['a colon after the first name', 'a/C:x', ['a', 'C:x']],
		['32 segments', segments(32, 1), segments(32, 1).split('/')],
	])('accepts %s', (_name, path, parts) => {
		expect(validatePath(path)).toEqual({ ok: true, value: parts });
	});

	it('accepts a 255-byte name', () => {
		const name = 'é'.repeat(127) + 'a';
		expect(bytes(name)).toBe(255);
		expect(validatePath(`a/${name}`).ok).toBe(true);
	});

	it('accepts 4,096 characters', () => {
		const path = segments(17, 240);
		expect(path.length).toBe(4096);
		expect(validatePath(path).ok).toBe(true);
	});
});

describe('savePathSegments', () => {
	it.each([
		['a safe path unchanged', 'photos/2026/a.jpg', ['photos', '2026', 'a.jpg']],
		['characters Windows forbids', 'a/C:x/b<c>.txt', ['a', 'C_x', 'b_c_.txt']],
		['decomposed accents (NFC)', 're\u0301sume\u0301/x', ['résumé', 'x']],
		['trailing dots and spaces', 'a. /b.', ['a', 'b']],
		['a parent segment (never a way out)', '../x', ['file', 'x']],
	])('saves %s', (_name, path, parts) => expect(savePathSegments(path)).toEqual(parts));
});

describe('PathAllocator', () => {
	it('numbers a repeated file in its folder', () => {
		const paths = new PathAllocator();
		expect(paths.file('photos/a.jpg')).toEqual(['photos', 'a.jpg']);
		expect(paths.file('photos/a.jpg')).toEqual(['photos', 'a (1).jpg']);
		expect(paths.file('photos/b.jpg')).toEqual(['photos', 'b.jpg']);
	});

	it('keeps folders that differ only in case apart', () => {
		const paths = new PathAllocator();
		expect(paths.file('A/x')).toEqual(['A', 'x']);
		expect(paths.file('a/x')).toEqual(['a (1)', 'x']);
		expect(paths.file('A/y')).toEqual(['A', 'y']);
		expect(paths.file('a/y')).toEqual(['a (1)', 'y']);
	});

	it('numbers names that differ only in case at any depth', () => {
		const paths = new PathAllocator();
		expect(paths.file('p/q/r/R.txt')).toEqual(['p', 'q', 'r', 'R.txt']);
		expect(paths.file('p/q/r/r.txt')).toEqual(['p', 'q', 'r', 'r (1).txt']);
	});

	it('numbers names that become equal once sanitised', () => {
		const paths = new PathAllocator();
		expect(paths.file('a:b/x')).toEqual(['a_b', 'x']);
		expect(paths.file('a?b/x')).toEqual(['a_b (1)', 'x']);
	});

	it('keeps a file and a folder of the same name apart', () => {
		const paths = new PathAllocator();
		expect(paths.file('x')).toEqual(['x']);
		expect(paths.file('x/y')).toEqual(['x (1)', 'y']);
		expect(paths.folder('z/w')).toEqual(['z', 'w']);
		expect(paths.file('z')).toEqual(['z (1)']);
	});

	it('puts files into a folder listed before them', () => {
		const paths = new PathAllocator();
		expect(paths.folder('empty/inner')).toEqual(['empty', 'inner']);
		expect(paths.folder('empty/inner')).toEqual(['empty', 'inner']);
		expect(paths.file('empty/inner/a')).toEqual(['empty', 'inner', 'a']);
	});

	it('lets the same name stand in different folders', () => {
		const paths = new PathAllocator();
		expect(paths.file('a.txt')).toEqual(['a.txt']);
		expect(paths.file('d/a.txt')).toEqual(['d', 'a.txt']);
		expect(paths.file('d/e/a.txt')).toEqual(['d', 'e', 'a.txt']);
	});

	it('skips names already in the chosen folder', () => {
		const paths = new PathAllocator();
		paths.reserve('Photos');
		paths.reserve('a.txt');
		expect(paths.file('photos/a.txt')).toEqual(['photos (1)', 'a.txt']);
		expect(paths.file('a.txt')).toEqual(['a (1).txt']);
	});
});
