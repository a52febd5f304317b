// A transfer must never replace or delete a file it did not create, but the File System Access API has no
// exclusive create: getFileHandle(name, { create: true }) opens an existing file as readily as it makes one.
// So every name is checked against the folder, created, then confirmed to be the empty file this made.
//
// What is left is a race no web API can close: another program creating the same name in the instant
// between the check and the create, leaving it empty until after the confirmation (then both write to one
// file), or writing to a file of ours between untouched() and the commit or removal that follows it.
import { NameAllocator } from './filename';

/** What is needed of a FileSystemFileHandle. */
export interface FileEntry {
	getFile(): Promise<{ size: number; lastModified: number }>;
}

/** What is needed of a FileSystemDirectoryHandle. */
export interface Folder<F extends FileEntry> {
	keys(): AsyncIterable<string>;
	getFileHandle(name: string, options?: { create?: boolean }): Promise<F>;
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
