// A folder's files arrive with relative paths from the other device, so a bad path is refused with its
// reason (never repaired into some other place); only a valid path's names are then made safe to save.
import type { Result } from './validate';

/** The most parts (folders and the file name) a path may have. */
export const MAX_PATH_SEGMENTS = 32;
/** The longest name (one part of a path, or a file name) in UTF-8 bytes, the limit of most file systems. */
export const MAX_NAME_BYTES = 255;
/** The longest path in UTF-16 code units, "/" included. */
export const MAX_PATH_CHARS = 4096;

/**
 * Device names Windows reserves whatever the extension ("con.txt" opens the console), also when spaces
 * stand before the extension ("con .txt"), which Windows drops. COM0 and LPT0 can be created.
 */
export const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|clock\$|com[1-9¹²³]|lpt[1-9¹²³]) *(\.|$)/i;
/**
 * Invisible format characters (Unicode Cf: bidi overrides and isolates, zero-width characters, BOM, soft
 * hyphen…), which can make "invoice\u202Efdp.exe" show as "invoiceexe.pdf". The first alternative keeps a
 * zero-width joiner between two emoji, where it draws one emoji ("👩‍💻") and hides nothing.
 */
export const FORMAT =
	/(\p{Extended_Pictographic}[\p{Emoji_Modifier}\uFE0F]?\u200D)(?=\p{Extended_Pictographic})|\p{Cf}/gu;

/** `text` without its invisible format characters (FORMAT), an emoji's joiner kept. */
export const withoutFormat = (text: string): string =>
	text.replace(FORMAT, (_format, emoji?: string) => emoji ?? '');

export function utf8Length(text: string): number {
	let bytes = 0;
	for (const char of text) {
		const code = char.codePointAt(0) ?? 0;
		bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
	}
	return bytes;
}

/** A leading "/" or "\" (root, UNC) or a drive letter ("C:", "C:\x", "C:x"). */
const ABSOLUTE = /^([/\\]|[a-z]:)/i;
const CONTROL = /\p{Cc}/u;
/** An unpaired surrogate, which no file system can store as UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Characters a reason must not show as they are: controls, format characters, lone surrogates. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}]/gu;
const SHOWN_CHARS = 60;

const hasFormat = (text: string): boolean =>
	[...text.matchAll(FORMAT)].some((match) => match[1] === undefined);

/** The path as a reason may show it: unprintable characters as "[U+202E]", and at most 60 characters. */
export function shown(path: string): string {
	const chars = [...path];
	const short = chars.length > SHOWN_CHARS ? `${chars.slice(0, SHOWN_CHARS).join('')}…` : path;
	return short.replace(
		UNPRINTABLE,
		(char) => `[U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`,
	);
}

/**
 * Why a path cannot be saved, as a code the UI words in the language shown (transfer/path-words.ts):
 * `path` is the whole path, `name` the part at fault where one is.
 */
export type PathProblem =
	| {
			why:
				| 'empty'
				| 'too-long'
				| 'absolute'
				| 'backslash'
				| 'control'
				| 'not-text'
				| 'format'
				| 'empty-name'
				| 'climbs'
				| 'dot'
				| 'name-too-long'
				| 'too-deep'
				| 'too-long-to-send';
			path: string;
	  }
	| { why: 'reserved' | 'not-its-name'; path: string; name: string };

type UnnamedWhy = Exclude<PathProblem, { name: string }>['why'];

/**
 * Checks a relative path of a file or folder as it comes from the other device: "/"-separated names, none
 * empty, "." or "..", none a Windows device name, no backslash, no control or invisible format character,
 * within MAX_PATH_SEGMENTS parts of MAX_NAME_BYTES each and MAX_PATH_CHARS in all. Gives the names.
 */
export function validatePath(path: string): Result<string[], PathProblem> {
	const refuse = (why: UnnamedWhy): Result<string[], PathProblem> => ({ ok: false, error: { why, path } });
	if (path.length === 0) return refuse('empty');
	if (path.length > MAX_PATH_CHARS) return refuse('too-long');
	if (ABSOLUTE.test(path)) return refuse('absolute');
	if (path.includes('\\')) return refuse('backslash');
	if (CONTROL.test(path)) return refuse('control');
	if (LONE_SURROGATE.test(path)) return refuse('not-text');
	if (hasFormat(path)) return refuse('format');
	const names = path.split('/');
	for (const name of names) {
		if (name === '') return refuse('empty-name');
		if (name === '..') return refuse('climbs');
		if (name === '.') return refuse('dot');
		if (RESERVED.test(name)) return { ok: false, error: { why: 'reserved', path, name } };
		if (utf8Length(name) > MAX_NAME_BYTES) return refuse('name-too-long');
	}
	if (names.length > MAX_PATH_SEGMENTS) return refuse('too-deep');
	return { ok: true, value: names };
}
