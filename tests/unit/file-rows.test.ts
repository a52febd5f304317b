import { describe, expect, it } from 'vitest';
import { MAX_FILE_ROWS, fileRows, treeRows } from '../../src/lib/ui/file-rows';
import { summarizeTree } from '../../src/lib/transfer/tree';
import type { FileStatus } from '../../src/lib/transfer/types';

const files = (statuses: FileStatus[]) => statuses.map((status) => ({ status }));
const many = (count: number, status: FileStatus = 'waiting') => files(Array<FileStatus>(count).fill(status));

describe('fileRows: which files of a transfer get a row of their own', () => {
	it('every file, in order, when there are no more than the bound', () => {
		expect(fileRows(files(['done', 'active', 'waiting']))).toEqual({ shown: [0, 1, 2], more: 0 });
		expect(fileRows(many(MAX_FILE_ROWS)).shown).toHaveLength(MAX_FILE_ROWS);
		expect(fileRows(many(MAX_FILE_ROWS)).more).toBe(0);
	});

	it('the first files of a large offer, and how many more there are', () => {
		const rows = fileRows(many(50_000));
		expect(rows.shown).toEqual(Array.from({ length: MAX_FILE_ROWS }, (_, i) => i));
		expect(rows.more).toBe(50_000 - MAX_FILE_ROWS);
	});

	it('deep in a large transfer: the active, verifying, failed and cancelled files first, then the rest in order', () => {
		const list = many(10_000, 'done');
		list[9_000] = { status: 'active' };
		list[9_001] = { status: 'verifying' };
		list[5] = { status: 'failed' };
		list[7_777] = { status: 'cancelled' };
		const rows = fileRows(list, 6);
		expect(rows.shown).toEqual([0, 1, 5, 7_777, 9_000, 9_001]);
		expect(rows.more).toBe(10_000 - 6);
	});

	it('never more rows than the bound, even when more files failed than that', () => {
		const rows = fileRows(many(1_000, 'failed'), 10);
		expect(rows.shown).toEqual(Array.from({ length: 10 }, (_, i) => i));
		expect(rows.more).toBe(990);
	});

	it('an active file keeps its row before failed ones when the bound is tight', () => {
		const list = many(100, 'failed');
		list[99] = { status: 'active' };
		expect(fileRows(list, 2).shown).toEqual([0, 99]);
	});
});

describe('treeRows: the rows of an offer’s summary', () => {
	it('each top-level folder with its files at any depth, and the loose files as one total', () => {
		const summary = summarizeTree(
			[
				{ path: 'b.txt', size: 5 },
				{ path: 'Fotos/2026/a.jpg', size: 100 },
				{ path: 'Fotos/b.jpg', size: 20 },
				{ path: 'c.txt', size: 7 },
				{ path: 'Docs/x/y/z.md', size: 1 },
			],
			['Leer'],
		);
		expect(treeRows(summary)).toEqual({
			folders: [
				{ kind: 'folder', name: 'Fotos', files: 2, bytes: 120 },
				{ kind: 'folder', name: 'Docs', files: 1, bytes: 1 },
				{ kind: 'folder', name: 'Leer', files: 0, bytes: 0 },
			],
			more: 0,
			loose: { files: 2, bytes: 12 },
		});
	});

	it('no rows when nothing sits in a folder: the file rows say it all', () => {
		const summary = summarizeTree([
			{ path: 'a', size: 1 },
			{ path: 'b', size: 2 },
		]);
		expect(treeRows(summary)).toEqual({ folders: [], more: 0, loose: { files: 2, bytes: 3 } });
	});

	it('at most the bound of folders; the files in the others are counted', () => {
		const files = Array.from({ length: 30 }, (_, i) => ({ path: `d${i}/f`, size: 1 }));
		const rows = treeRows(summarizeTree([...files, { path: 'd0/g', size: 1 }]), 10);
		expect(rows.folders.map((f) => f.name)).toEqual(Array.from({ length: 10 }, (_, i) => `d${i}`));
		expect(rows.more).toBe(20);
	});
});
