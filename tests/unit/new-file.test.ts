import { describe, expect, it } from 'vitest';
import { NewFiles, NewTree, type Folder } from '../../src/lib/sinks/new-file';

interface Entry {
	kind: 'file' | 'directory';
	bytes: string;
	lastModified: number;
	/** A folder's own entries. */
	folder?: MemoryFolder;
}

/** A folder's contents as a plain object: a file's bytes, or a folder's contents, by name. */
type Tree = { [name: string]: string | Tree };

/**
 * A folder in memory with the File System Access semantics NewFiles relies on: names are case-sensitive
 * (as on Linux), `create: true` opens an existing file as it is, a folder of that name is a TypeMismatchError.
 */
class MemoryFolder implements Folder<MemoryFile> {
	entries = new Map<string, Entry>();
	clock = 1_000;
	/** Runs inside getFileHandle(name, { create: true }) just before it looks the name up: another program. */
	beforeCreate: (name: string) => void = () => {};

	put(name: string, bytes: string, kind: Entry['kind'] = 'file'): void {
		const folder = kind === 'directory' ? new MemoryFolder() : undefined;
		this.entries.set(name, { kind, bytes, lastModified: ++this.clock, folder });
	}

	async *keys(): AsyncIterable<string> {
		yield* [...this.entries.keys()];
	}

	async getFileHandle(name: string, options: { create?: boolean } = {}): Promise<MemoryFile> {
		if (options.create) this.beforeCreate(name);
		const entry = this.entries.get(name);
		if (entry?.kind === 'directory') throw new DOMException(`${name} is a folder`, 'TypeMismatchError');
		if (!entry) {
			if (!options.create) throw new DOMException(`${name} not found`, 'NotFoundError');
			this.put(name, '');
		}
		return new MemoryFile(this, name);
	}

	async getDirectoryHandle(name: string, options: { create?: boolean } = {}): Promise<MemoryFolder> {
		if (options.create) this.beforeCreate(name);
		const entry = this.entries.get(name);
		if (entry?.kind === 'file') throw new DOMException(`${name} is a file`, 'TypeMismatchError');
		if (entry?.folder) return entry.folder;
		if (!options.create) throw new DOMException(`${name} not found`, 'NotFoundError');
		this.put(name, '', 'directory');
		return this.entries.get(name)!.folder!;
	}

	async removeEntry(name: string): Promise<void> {
		if (!this.entries.delete(name)) throw new DOMException(`${name} not found`, 'NotFoundError');
	}

	contents(): Record<string, string> {
		return Object.fromEntries([...this.entries].map(([name, entry]) => [name, entry.bytes]));
	}

	tree(): Tree {
		return Object.fromEntries(
			[...this.entries].map(([name, entry]) => [name, entry.folder?.tree() ?? entry.bytes]),
		);
	}
}

class MemoryFile {
	constructor(
		private readonly folder: MemoryFolder,
		readonly name: string,
	) {}

	async getFile(): Promise<{ size: number; lastModified: number }> {
		const entry = this.folder.entries.get(this.name);
		if (!entry) throw new DOMException(`${this.name} not found`, 'NotFoundError');
		return { size: entry.bytes.length, lastModified: entry.lastModified };
	}

	/** What committing a writable does: the file's bytes are replaced. */
	write(bytes: string): void {
		this.folder.put(this.name, bytes);
	}
}

async function folderWith(files: Tree): Promise<MemoryFolder> {
	const folder = new MemoryFolder();
	for (const [name, bytes] of Object.entries(files)) {
		if (typeof bytes === 'string') folder.put(name, bytes);
		else {
			folder.put(name, '', 'directory');
			folder.entries.get(name)!.folder = await folderWith(bytes);
		}
	}
	return folder;
}

describe('NewFiles', () => {
	it('never opens a file that is already in the folder: a taken name gets a numbered variant', async () => {
		const folder = await folderWith({ 'a.txt': 'mine', '.npmrc': 'token=secret' });
		const files = await NewFiles.in(folder);
		const a = await files.create('a.txt');
		const npmrc = await files.create('.npmrc');
		expect([a.name, npmrc.name]).toEqual(['a (1).txt', '.npmrc (1)']);
		a.handle.write('received a');
		npmrc.handle.write('received npmrc');
		expect(folder.contents()).toEqual({
			'a.txt': 'mine',
			'.npmrc': 'token=secret',
			'a (1).txt': 'received a',
			'.npmrc (1)': 'received npmrc',
		});
	});

	it('compares with the names in the folder case-insensitively', async () => {
		const folder = await folderWith({ 'Report.PDF': 'mine', 'report (1).pdf': 'mine too' });
		const files = await NewFiles.in(folder);
		expect((await files.create('report.pdf')).name).toBe('report (2).pdf');
		expect((await files.create('REPORT.pdf')).name).toBe('REPORT (3).pdf');
		expect(folder.contents()['Report.PDF']).toBe('mine');
	});

	it('skips a name that appeared in the folder after it was listed', async () => {
		const folder = await folderWith({});
		const files = await NewFiles.in(folder);
		folder.put('late.txt', 'saved by the user meanwhile');
		folder.put('empty.txt', '');
		expect((await files.create('late.txt')).name).toBe('late (1).txt');
		expect((await files.create('empty.txt')).name).toBe('empty (1).txt');
		expect(folder.contents()).toMatchObject({ 'late.txt': 'saved by the user meanwhile', 'empty.txt': '' });
	});

	it('skips a name that another program filled between the check and the create', async () => {
		const folder = await folderWith({});
		const files = await NewFiles.in(folder);
		folder.beforeCreate = (name) => {
			if (name === 'race.txt') folder.put(name, 'written by another program');
		};
		const created = await files.create('race.txt');
		expect(created.name).toBe('race (1).txt');
		expect(folder.contents()['race.txt']).toBe('written by another program');
	});

	it('skips a name held by a folder', async () => {
		const folder = await folderWith({});
		folder.put('photos', '', 'directory');
		const files = await NewFiles.in(folder);
		expect((await files.create('photos')).name).toBe('photos (1)');
		folder.beforeCreate = (name) => {
			if (name === 'late') folder.put(name, '', 'directory');
		};
		expect((await files.create('late')).name).toBe('late (1)');
	});

	it('discards only the file it created, and leaves every other entry alone', async () => {
		const folder = await folderWith({ 'a.txt': 'mine' });
		const files = await NewFiles.in(folder);
		const created = await files.create('a.txt');
		expect(await created.untouched()).toBe(true);
		await created.discard();
		expect(folder.contents()).toEqual({ 'a.txt': 'mine' });
	});

	it('does not commit over, or discard, a file another program wrote into meanwhile', async () => {
		const folder = await folderWith({});
		const files = await NewFiles.in(folder);
		const created = await files.create('shared.txt');
		folder.put('shared.txt', 'saved over the empty file by another program');
		expect(await created.untouched()).toBe(false);
		await created.discard();
		expect(folder.contents()).toEqual({ 'shared.txt': 'saved over the empty file by another program' });
	});

	it('discards a file that is already gone without failing', async () => {
		const folder = await folderWith({});
		const files = await NewFiles.in(folder);
		const created = await files.create('gone.txt');
		await folder.removeEntry('gone.txt');
		await created.discard();
		expect(folder.contents()).toEqual({});
	});

	it('sanitises names before creating them', async () => {
		const folder = await folderWith({ '_CON.txt': 'mine' });
		const files = await NewFiles.in(folder);
		expect((await files.create('CON.txt')).name).toBe('_CON (1).txt');
		expect((await files.create('invoice\u202efdp.exe')).name).toBe('invoicefdp.exe');
	});
});

describe('NewTree', () => {
	const at = (path: string) => ({ name: path.slice(path.lastIndexOf('/') + 1), path });

	it('recreates the tree inside the folder, empty folders too, and replaces nothing that was there', async () => {
		const folder = await folderWith({
			photos: 'a file named like the folder',
			docs: { 'a.txt': 'mine' },
			'readme.md': 'my readme',
		});
		const tree = await NewTree.in(folder);
		const arriving = ['photos/2026/a.jpg', 'photos/2026/b.jpg', 'docs/a.txt', 'Ünï 日本/deep/er/x'];
		for (const path of arriving) {
			const file = await tree.create(at(path));
			file.handle.write(`received ${path}`);
		}
		(await tree.create({ name: 'readme.md' })).handle.write('received readme.md');
		(await tree.create({ name: '../a/b' })).handle.write('a loose name with “/” in it');
		await tree.folders(['photos/empty', 'Ünï 日本/deep/nothing here']);
		expect(folder.tree()).toEqual({
			photos: 'a file named like the folder',
			docs: { 'a.txt': 'mine' },
			'readme.md': 'my readme',
			'photos (1)': {
				2026: { 'a.jpg': 'received photos/2026/a.jpg', 'b.jpg': 'received photos/2026/b.jpg' },
				empty: {},
			},
			'docs (1)': { 'a.txt': 'received docs/a.txt' },
			'Ünï 日本': { deep: { er: { x: 'received Ünï 日本/deep/er/x' }, 'nothing here': {} } },
			'readme (1).md': 'received readme.md',
			'.._a_b': 'a loose name with “/” in it',
		});
	});

	it('numbers names at any depth, and keeps apart folders the sender keeps apart', async () => {
		const folder = await folderWith({});
		const tree = await NewTree.in(folder);
		const saved = [];
		for (const path of ['A/x', 'a/x', 'a/x', 'a/X/y', 'a/sub/CON', 'a/sub/con']) {
			saved.push((await tree.create(at(path))).name);
		}
		expect(saved).toEqual(['x', 'x', 'x (1)', 'y', '_CON', '_con (1)']);
		expect(folder.tree()).toEqual({
			A: { x: '' },
			'a (1)': { x: '', 'x (1)': '', 'X (2)': { y: '' }, sub: { _CON: '', '_con (1)': '' } },
		});
	});

	it('skips a folder name that another program took after the folder was listed', async () => {
		const folder = await folderWith({});
		const tree = await NewTree.in(folder);
		folder.put('late', '', 'directory');
		folder.entries.get('late')!.folder!.put('x', 'theirs');
		folder.beforeCreate = (name) => {
			if (name === 'race') folder.put(name, 'a file made in between');
		};
		(await tree.create(at('late/x'))).handle.write('ours');
		(await tree.create(at('race/y'))).handle.write('ours too');
		expect(folder.tree()).toEqual({
			late: { x: 'theirs' },
			'late (1)': { x: 'ours' },
			race: 'a file made in between',
			'race (1)': { y: 'ours too' },
		});
	});

	it('makes each folder once, however many files and empty folders it holds', async () => {
		const folder = await folderWith({});
		let made = 0;
		folder.beforeCreate = (name) => (made += name === 'f' ? 1 : 0);
		const tree = await NewTree.in(folder);
		await Promise.all(['f/a', 'f/b', 'f/c'].map((path) => tree.create(at(path))));
		await tree.folders(['f', 'f/g', 'f/g']);
		expect(made).toBe(1);
		expect(folder.tree()).toEqual({ f: { a: '', b: '', c: '', g: {} } });
	});
});
