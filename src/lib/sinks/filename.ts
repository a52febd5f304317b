// File names come from the other device, so they are made safe for every file system a receiver might
// save to (Windows being the strictest) while keeping the sender's Unicode name as far as possible.

const MAX_NAME_BYTES = 255;
const FALLBACK_NAME = 'file';

/** Path separators, C0 and C1 control characters, and the characters Windows forbids. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /^[/\\\u0000-\u001f\u007f-\u009f<>:"|?*]$/;
/**
 * Device names Windows reserves whatever the extension ("con.txt" opens the console), also when spaces
 * stand before the extension ("con .txt"), which Windows drops. COM0 and LPT0 can be created.
 */
const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|clock\$|com[1-9¹²³]|lpt[1-9¹²³]) *(\.|$)/i;
/**
 * Invisible format characters (Unicode Cf: bidi overrides and isolates, zero-width characters, BOM, soft
 * hyphen…), which can make "invoice\u202Efdp.exe" show as "invoiceexe.pdf". The first alternative keeps a
 * zero-width joiner between two emoji, where it draws one emoji ("👩‍💻") and hides nothing.
 */
const FORMAT =
	/(\p{Extended_Pictographic}[\p{Emoji_Modifier}\uFE0F]?\u200D)(?=\p{Extended_Pictographic})|\p{Cf}/gu;
/** A final ".ext" of up to 16 characters, after a non-empty stem. */
const EXTENSION = /.(\.[^.\s]{1,15})$/u;

function utf8Length(text: string): number {
	let bytes = 0;
	for (const char of text) {
		const code = char.codePointAt(0) ?? 0;
		bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
	}
	return bytes;
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, cut between code points. */
function truncateUtf8(text: string, maxBytes: number): string {
	let bytes = 0;
	let end = 0;
	for (const char of text) {
		bytes += utf8Length(char);
		if (bytes > maxBytes) break;
		end += char.length;
	}
	return text.slice(0, end);
}

function splitExtension(name: string): { stem: string; ext: string } {
	const match = EXTENSION.exec(name);
	return match ? { stem: name.slice(0, -match[1].length), ext: match[1] } : { stem: name, ext: '' };
}

/** `stem + suffix + ext` within MAX_NAME_BYTES, shortening the stem (never the extension) if needed. */
function compose(name: string, suffix: string): string {
	const { stem, ext } = splitExtension(name);
	if (utf8Length(name) + utf8Length(suffix) <= MAX_NAME_BYTES) return stem + suffix + ext;
	const room = MAX_NAME_BYTES - utf8Length(suffix) - utf8Length(ext);
	const short = truncateUtf8(stem, room).replace(/[. ]+$/, '');
	return (short.length > 0 ? short : FALLBACK_NAME) + suffix + ext;
}

/** A name that is safe to create on Windows, macOS, Linux and Android and is at most 255 UTF-8 bytes. */
export function sanitizeFilename(name: string): string {
	let safe = '';
	const visible = name.normalize('NFC').replace(FORMAT, (_format, emoji?: string) => emoji ?? '');
	// Iterating by code point yields a lone surrogate (not encodable as UTF-8) as a one-unit string.
	for (const char of visible) {
		const lone = char.length === 1 && char >= '\ud800' && char <= '\udfff';
		safe += lone || FORBIDDEN.test(char) ? '_' : char;
	}
	safe = safe.replace(/^ +/, '').replace(/[. ]+$/, '');
	if (safe.length === 0) return FALLBACK_NAME;
	// Checked after shortening, which can turn "con   …x.txt" into "con.txt".
	safe = compose(safe, '');
	return RESERVED.test(safe) ? compose(`_${safe}`, '') : safe;
}

/** Windows and macOS compare names case-insensitively, and macOS also across Unicode normal forms. */
const sameNameKey = (name: string): string => name.normalize('NFC').toLowerCase();

/**
 * Hands out distinct names for one download, numbered the way browsers number downloads
 * ("report (1).pdf"), skipping names it gave out and names it was told are taken.
 */
export class NameAllocator {
	#taken = new Set<string>();
	#next = new Map<string, number>();

	/** Marks a name as taken, e.g. one that is already in the folder. */
	reserve(name: string): void {
		this.#taken.add(sameNameKey(name));
	}

	take(name: string): string {
		const safe = sanitizeFilename(name);
		const key = sameNameKey(safe);
		let candidate = safe;
		let n = this.#next.get(key) ?? 1;
		while (this.#taken.has(sameNameKey(candidate))) candidate = compose(safe, ` (${n++})`);
		this.#next.set(key, n);
		this.#taken.add(sameNameKey(candidate));
		return candidate;
	}
}
