import { describe, expect, it } from 'vitest';
import { summarizeTree } from '../../src/lib/transfer/tree';

describe('summarizeTree', () => {
	it('summarises nothing as nothing', () => {
		expect(summarizeTree([])).toEqual({ entries: [], files: 0, bytes: 0, folders: 0 });
	});

	it('lists loose files and top-level folders in the order they first appear', () => {
		const summary = summarizeTree(
			[
				{ path: 'a.txt', size: 10 },
				{ path: 'photos/x.jpg', size: 100 },
				{ path: 'docs/r.pdf', size: 5 },
				{ path: 'photos/2026/y.jpg', size: 200 },
			],
			['photos/empty', 'music'],
		);
		expect(summary).toEqual({
			entries: [
				{ kind: 'file', name: 'a.txt', size: 10 },
				{ kind: 'folder', name: 'photos', files: 2, bytes: 300 },
				{ kind: 'folder', name: 'docs', files: 1, bytes: 5 },
				{ kind: 'folder', name: 'music', files: 0, bytes: 0 },
			],
			files: 4,
			bytes: 315,
			folders: 5, // photos, photos/2026, photos/empty, docs, music
		});
	});

	it('counts a folder once however often it is named', () => {
		const summary = summarizeTree(
			[
				{ path: 'p/q/a', size: 1 },
				{ path: 'p/q/b', size: 2 },
			],
			['p', 'p/q', 'p/q'],
		);
		expect(summary.folders).toBe(2);
		expect(summary.entries).toEqual([{ kind: 'folder', name: 'p', files: 2, bytes: 3 }]);
	});

	it('counts a repeated path as two files', () => {
		const summary = summarizeTree([
			{ path: 'd/a', size: 1 },
			{ path: 'd/a', size: 1 },
		]);
		expect(summary).toMatchObject({ files: 2, bytes: 2, folders: 1 });
	});

	it('keeps a file and a folder of the same name as two entries', () => {
		const summary = summarizeTree([
			{ path: 'x', size: 1 },
			{ path: 'x/y', size: 2 },
		]);
		expect(summary.entries).toEqual([
			{ kind: 'file', name: 'x', size: 1 },
			{ kind: 'folder', name: 'x', files: 1, bytes: 2 },
		]);
	});

	it('summarises 50,000 files in 100 folders of 7 subfolders each', () => {
		const files = Array.from({ length: 50_000 }, (_, i) => ({
			path: `d${i % 100}/s${i % 7}/deeper/f${i}.bin`,
			size: i,
		}));
		const summary = summarizeTree(files, ['d0/empty', 'loose-empty']);
		expect(summary.files).toBe(50_000);
		expect(summary.bytes).toBe((49_999 * 50_000) / 2);
		// 100 top-level folders, 7 subfolders and their "deeper" in each, then the two empty ones.
		expect(summary.folders).toBe(100 + 100 * 7 * 2 + 2);
		expect(summary.entries).toHaveLength(101);
		// d0 holds the files whose index is a multiple of 100: 0, 100, … 49,900.
		expect(summary.entries[0]).toEqual({
			kind: 'folder',
			name: 'd0',
			files: 500,
			bytes: 100 * ((499 * 500) / 2),
		});
		expect(summary.entries[100]).toEqual({ kind: 'folder', name: 'loose-empty', files: 0, bytes: 0 });
	});
});
