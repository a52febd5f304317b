// File names come from the other device, so they are made safe for every file system a receiver might
// save to (Windows being the strictest) while keeping the sender's Unicode name as far as possible.
import { MAX_NAME_BYTES, RESERVED, utf8Length, withoutFormat } from '../protocol/paths';

const FALLBACK_NAME = 'file';

/** Path separators, C0 and C1 control characters, and the characters Windows forbids. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /^[/\\\u0000-\u001f\u007f-\u009f<>:"|?*]$/;
/** A final ".ext" of up to 16 characters, after a non-empty stem. */
const EXTENSION = /.(\.[^.\s]{1,15})$/u;

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
	const visible = withoutFormat(name.normalize('NFC'));
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

/**
 * The names a relative path (checked by `validatePath`) is saved under, each made safe by
 * `sanitizeFilename`; whatever the path, no name it gives is empty, "." or "..".
 */
export const savePathSegments = (path: string): string[] => path.split('/').map(sanitizeFilename);

interface Folder {
	names: NameAllocator;
	/** Each subfolder by the sender's exact name, with the name it is saved under. */
	folders: Map<string, { name: string; folder: Folder }>;
}

const newFolder = (): Folder => ({ names: new NameAllocator(), folders: new Map() });

/**
 * Hands out distinct saved paths for the files and folders of one offer: in every folder, names that
 * differ only in case or become equal once sanitised are numbered ("a (1).jpg"). Folders the sender holds
 * apart stay apart ("A/x", "a/x" save as "A/x", "a (1)/x"); a file and a folder never share a name.
 */
export class PathAllocator {
	#root = newFolder();

	/** Marks a name in the chosen folder as taken. */
	reserve(name: string): void {
		this.#root.names.reserve(name);
	}

	/** The saved names of a folder path (checked by `validatePath`), the same each time it is asked. */
	folder(path: string): string[] {
		const saved: string[] = [];
		this.#walk(path.split('/'), saved);
		return saved;
	}

	/** The saved names of a file path (checked by `validatePath`), distinct from every one given before. */
	file(path: string): string[] {
		const names = path.split('/');
		const saved: string[] = [];
		const folder = this.#walk(names.slice(0, -1), saved);
		saved.push(folder.names.take(names[names.length - 1]));
		return saved;
	}

	/** The saved name of a file outside any folder, whose name is one name even when it holds a "/". */
	loose(name: string): string {
		return this.#root.names.take(name);
	}

	/** Goes down `names` from the root, making the folders not met before; pushes their saved names. */
	#walk(names: readonly string[], saved: string[]): Folder {
		let folder = this.#root;
		for (const name of names) {
			let sub = folder.folders.get(name);
			if (!sub) {
				sub = { name: folder.names.take(name), folder: newFolder() };
				folder.folders.set(name, sub);
			}
			saved.push(sub.name);
			folder = sub.folder;
		}
		return folder;
	}
}
