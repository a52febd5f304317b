// A transfer must never replace or delete a file it did not create, but the File System Access API has no
// exclusive create: getFileHandle(name, { create: true }) opens an existing file as readily as it makes one.
// So every name is checked against the folder, created, then confirmed to be the empty file this made.
//
// A folder sent whole is recreated the same way, folder by folder: each folder this makes gets a name
// nothing had, so every file inside it is new too, at any depth.
//
// What is left is a race no web API can close: another program creating the same name in the instant
// between the check and the create, leaving it empty until after the confirmation (then both write to one
// file), or writing to a file of ours between untouched() and the commit or removal that follows it.
import { NameAllocator, PathAllocator } from './filename';
import type { FileMeta } from '../protocol/frames';

/** What is needed of a FileSystemFileHandle. */
export interface FileEntry {
	getFile(): Promise<{ size: number; lastModified: number }>;
}

/** What is needed of a FileSystemDirectoryHandle. */
export interface Folder<F extends FileEntry> {
	keys(): AsyncIterable<string>;
	getFileHandle(name: string, options?: { create?: boolean }): Promise<F>;
	getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<Folder<F>>;
	removeEntry(name: string): Promise<void>;
}

/** A file this transfer created, empty when it was made. */
export interface NewFile<F> {
	readonly name: string;
	readonly handle: F;
	/** True while the file is still the empty one created here: nobody else has written to it. */
	untouched(): Promise<boolean>;
	/** Removes the file, unless someone else has written to it since it was created. */
	discard(): Promise<void>;
}

const isDomError = (error: unknown, name: string): boolean =>
	error instanceof DOMException && error.name === name;

/** Creates files in one folder under names nothing in it had, numbered like downloads ("a (1).txt"). */
export class NewFiles<F extends FileEntry> {
	private constructor(
		private readonly folder: Folder<F>,
		private readonly names: NameAllocator,
	) {}

	/** Lists the folder once, so names are compared case-insensitively with what it holds. */
	static async in<F extends FileEntry>(folder: Folder<F>): Promise<NewFiles<F>> {
		const names = new NameAllocator();
		for await (const name of folder.keys()) names.reserve(name);
		return new NewFiles(folder, names);
	}

	async create(wanted: string): Promise<NewFile<F>> {
		for (;;) {
			// A name already given out is never offered again, so every pass tries a new one.
			const name = this.names.take(wanted);
			if (await this.exists(name)) continue;
			const made = await this.createEmpty(name);
			if (made) return this.newFile(name, made.handle, made.lastModified);
		}
	}

	/** Makes a folder under a name nothing in this one had; files and folders then go into it the same way. */
	async createFolder(wanted: string): Promise<NewFiles<F>> {
		for (;;) {
			const name = this.names.take(wanted);
			if (await this.exists(name)) continue;
			try {
				return await NewFiles.in(await this.folder.getDirectoryHandle(name, { create: true }));
			} catch (error) {
				// A file of that name was made since it was checked.
				if (!isDomError(error, 'TypeMismatchError')) throw error;
			}
		}
	}

	/** Asks the folder itself, which compares names the way its file system does. */
	private async exists(name: string): Promise<boolean> {
		try {
			await this.folder.getFileHandle(name);
			return true;
		} catch (error) {
			if (isDomError(error, 'NotFoundError')) return false;
			if (isDomError(error, 'TypeMismatchError')) return true; // a folder of that name
			throw error;
		}
	}

	/** The new empty file, or undefined when something else took the name since it was checked. */
	private async createEmpty(name: string): Promise<{ handle: F; lastModified: number } | undefined> {
		try {
			const handle = await this.folder.getFileHandle(name, { create: true });
			const file = await handle.getFile();
			return file.size === 0 ? { handle, lastModified: file.lastModified } : undefined;
		} catch (error) {
			if (isDomError(error, 'TypeMismatchError')) return undefined;
			throw error;
		}
	}

	private newFile(name: string, handle: F, lastModified: number): NewFile<F> {
		const folder = this.folder;
		const untouched = async () => {
			try {
				const file = await handle.getFile();
				return file.size === 0 && file.lastModified === lastModified;
			} catch (error) {
				if (isDomError(error, 'NotFoundError')) return false;
				throw error;
			}
		};
		return {
			name,
			handle,
			untouched,
			async discard() {
				if (await untouched()) await folder.removeEntry(name);
			},
		};
	}
}

/**
 * Recreates a folder sent whole inside the chosen one: `PathAllocator` gives every path of the offer its
 * distinct saved names, and each folder and file is then made by `NewFiles`, so an entry that is already
 * there, at any depth, is never opened: it gets a numbered variant.
 */
export class NewTree<F extends FileEntry> {
	/** Each folder made so far, by its saved path; a promise, so files arriving together make it once. */
	readonly #made = new Map<string, Promise<NewFiles<F>>>();

	private constructor(
		private readonly root: NewFiles<F>,
		private readonly paths: PathAllocator,
	) {}

	/** Lists the chosen folder once: its names are taken. */
	static async in<F extends FileEntry>(folder: Folder<F>): Promise<NewTree<F>> {
		const paths = new PathAllocator();
		for await (const name of folder.keys()) paths.reserve(name);
		return new NewTree(await NewFiles.in(folder), paths);
	}

	/**
	 * A new empty file for a file of the offer: at its relative `path` (checked by `validatePath`), or in
	 * the chosen folder itself when it has none.
	 */
	async create(file: Pick<FileMeta, 'name' | 'path'>): Promise<NewFile<F>> {
		const saved = file.path === undefined ? [this.paths.loose(file.name)] : this.paths.file(file.path);
		const folder = await this.#folder(saved.slice(0, -1));
		return folder.create(saved[saved.length - 1]);
	}

	/** Makes the offer's empty folders (paths checked by `validatePath`). */
	async folders(paths: readonly string[]): Promise<void> {
		for (const path of paths) await this.#folder(this.paths.folder(path));
	}

	/** The folder at these saved names, made (with the folders above it) the first time it is asked for. */
	#folder(saved: readonly string[]): Promise<NewFiles<F>> {
		if (saved.length === 0) return Promise.resolve(this.root);
		const key = saved.join('/');
		let made = this.#made.get(key);
		if (!made) {
			made = this.#folder(saved.slice(0, -1)).then((parent) => parent.createFolder(saved[saved.length - 1]));
			this.#made.set(key, made);
		}
		return made;
	}
}
