import { describe, expect, it } from 'vitest';
import { offerProblem } from '../../src/lib/protocol/frames';
import {
	collect,
	emptyFolders,
	fromRelativePaths,
	joinPath,
	type SourceNode,
} from '../../src/lib/sources/picked';
import { fileMeta } from '../../src/lib/transfer/sender';

const file = (name: string, text = name): File => new File([text], name, { lastModified: 5 });

/** A folder in memory as the browser's handles and entries show one: names and kinds, read when asked. */
function folder(name: string, children: SourceNode[]): SourceNode {
	return {
		kind: 'directory',
		name,
		async *children() {
			yield* children;
		},
	};
}

function loose(name: string, text = name): SourceNode {
	return { kind: 'file', name, file: async () => file(name, text) };
}

describe('joinPath', () => {
	it('puts a name under its folder, and at the top when there is none', () => {
		expect(joinPath('', 'a.txt')).toBe('a.txt');
		expect(joinPath('photos', '2026')).toBe('photos/2026');
		expect(joinPath('photos/2026', 'ü.jpg')).toBe('photos/2026/ü.jpg');
	});
});

describe('emptyFolders', () => {
	it('keeps only the folders that hold no file and no folder at any depth', () => {
		const files = ['a/b/c.txt', 'a/d.txt', 'top.txt'];
		const folders = ['a', 'a/b', 'a/empty', 'a/b/also', 'x', 'x/y', 'x/y/z'];
		expect(emptyFolders(folders, files)).toEqual(['a/empty', 'a/b/also', 'x/y/z']);
	});

	it('does not take a folder for the parent of a file whose name only starts like it', () => {
		expect(emptyFolders(['a', 'ab'], ['ab/x', 'a b/y'])).toEqual(['a']);
	});

	it('lists a folder once, however often it was met', () => {
		expect(emptyFolders(['e', 'e', 'f/g', 'f/g'], [])).toEqual(['e', 'f/g']);
	});
});

describe('collect', () => {
	it('gives loose files as they are and folders’ files with their paths, sorted by path, and the empty folders', async () => {
		const picked = await collect([
			loose('z-loose.txt'),
			folder('Fotos 日本', [
				loose('b.jpg'),
				folder('2026', [loose('a.jpg'), folder('empty', [])]),
				folder('nothing', [folder('deeper', [])]),
				loose('a.jpg'),
			]),
			loose('a-loose.txt'),
		]);
		expect(picked.files.map((f) => [f.name, f.path])).toEqual([
			['a.jpg', 'Fotos 日本/2026/a.jpg'],
			['a.jpg', 'Fotos 日本/a.jpg'],
			['b.jpg', 'Fotos 日本/b.jpg'],
			['a-loose.txt', undefined],
			['z-loose.txt', undefined],
		]);
		expect(picked.folders).toEqual(['Fotos 日本/2026/empty', 'Fotos 日本/nothing/deeper']);
		expect(offerProblem(picked.files.map(fileMeta), picked.folders)).toBeNull();
	});

	it('reads each file’s bytes, name, type and date from the browser’s file', async () => {
		const picked = await collect([folder('d', [loose('x.txt', 'hello')])]);
		const [x] = picked.files;
		expect(fileMeta(x)).toEqual({ name: 'x.txt', size: 5, type: '', lastModified: 5, path: 'd/x.txt' });
		expect(await x.slice(1, 3).text()).toBe('el');
	});

	it('sends a folder that holds nothing as one empty folder', async () => {
		expect(await collect([folder('empty', [])])).toEqual({ files: [], folders: ['empty'] });
	});

	it('keeps the order of files whose paths sort alike (by code units, not by locale)', async () => {
		const picked = await collect([folder('f', [loose('b'), loose('B'), loose('a'), loose('É')])]);
		expect(picked.files.map((f) => f.path)).toEqual(['f/B', 'f/a', 'f/b', 'f/É']);
	});
});

describe('fromRelativePaths', () => {
	it('gives files of a folder input their webkitRelativePath, sorted; other files stay loose', () => {
		const inFolder = (path: string) =>
			Object.assign(file(path.slice(path.lastIndexOf('/') + 1)), { webkitRelativePath: path });
		const picked = fromRelativePaths([
			inFolder('proj/src/b.ts'),
			inFolder('proj/a.ts'),
			Object.assign(file('plain.txt'), { webkitRelativePath: '' }),
		]);
		expect(picked.files.map((f) => [f.name, f.path])).toEqual([
			['plain.txt', undefined],
			['a.ts', 'proj/a.ts'],
			['b.ts', 'proj/src/b.ts'],
		]);
		expect(picked.folders).toEqual([]);
	});
});
