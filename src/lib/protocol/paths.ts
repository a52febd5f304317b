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
	const visible = short.replace(
		UNPRINTABLE,
		(char) => `[U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`,
	);
	return `“${visible}”`;
}

/**
 * Checks a relative path of a file or folder as it comes from the other device: "/"-separated names, none
 * empty, "." or "..", none a Windows device name, no backslash, no control or invisible format character,
 * within MAX_PATH_SEGMENTS parts of MAX_NAME_BYTES each and MAX_PATH_CHARS in all. Gives the names.
 */
export function validatePath(path: string): Result<string[], string> {
	const refuse = (why: string): Result<string[], string> => ({
		ok: false,
		error: `The path ${shown(path)} ${why}`,
	});
	if (path.length === 0) return { ok: false, error: 'A path is empty.' };
	if (path.length > MAX_PATH_CHARS) return refuse(`is longer than ${MAX_PATH_CHARS} characters.`);
	if (ABSOLUTE.test(path)) return refuse('is absolute; it must be relative.');
	if (path.includes('\\')) return refuse('has a backslash; folders are separated by “/”.');
	if (CONTROL.test(path)) return refuse('has a control character.');
	if (LONE_SURROGATE.test(path)) return refuse('is not valid text.');
	if (hasFormat(path)) return refuse('has an invisible formatting character.');
	const names = path.split('/');
	for (const name of names) {
		if (name === '') return refuse('has an empty name between two “/”.');
		if (name === '..') return refuse('leaves the chosen folder.');
		if (name === '.') return refuse('has a “.” for a name.');
		if (RESERVED.test(name)) return refuse(`uses ${shown(name)}, a name Windows reserves.`);
		if (utf8Length(name) > MAX_NAME_BYTES) return refuse(`has a name longer than ${MAX_NAME_BYTES} bytes.`);
	}
	if (names.length > MAX_PATH_SEGMENTS) return refuse(`has more than ${MAX_PATH_SEGMENTS} parts.`);
	return { ok: true, value: names };
}
