// A folder walked and saved in real Chromium, on real OPFS handles: the sources read it as the browser hands
// it over (a directory handle), the sinks recreate it in a folder that already holds a folder and a file of
// the names it brings. The modules are bundled for the page as they are; the UI cannot send folders yet.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAVED_DIR, launchPeer, type Peer } from '../harness/browser';
import { makeDir } from '../harness/files';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The modules under test as one script that puts them on `window.folders`. */
async function bundle(): Promise<string> {
	const entry = [
		`export { collect, fromRelativePaths } from '${ROOT}src/lib/sources/picked.ts';`,
		`export { handleNode } from '${ROOT}src/lib/sources/browser.ts';`,
		`export { NewTree } from '${ROOT}src/lib/sinks/new-file.ts';`,
		`export { handleSink } from '${ROOT}src/lib/sinks/handle-sink.ts';`,
	].join('\n');
	const built = (await build({
		configFile: false,
		logLevel: 'silent',
		plugins: [
			{
				name: 'folder-tree-entry',
				enforce: 'pre',
				resolveId: (id) => (id.endsWith('folder-tree-entry') ? '\0folder-tree-entry' : null),
				load: (id) => (id === '\0folder-tree-entry' ? entry : null),
			},
		],
		build: {
			write: false,
			minify: false,
			lib: { entry: 'folder-tree-entry', formats: ['iife'], name: 'folders' },
		},
	})) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
	return (Array.isArray(built) ? built[0] : built).output[0].code;
}

/** The folder sent: three levels, non-ASCII names, one empty folder; and a loose file beside it. */
const SENT: Record<string, string> = {
	'Fotos 日本/a.txt': 'alpha',
	'Fotos 日本/2026/Ünïcode ✓.txt': 'unicode',
	'Fotos 日本/2026/Sommer/deep.bin': 'x'.repeat(300_000),
	'Fotos 日本/docs/readme.md': '# readme',
};
const EMPTY = 'Fotos 日本/2026/empty';
/** What the chosen folder held before: a folder of the sent folder's name, and a file of the loose file's. */
const OWN = { folderFile: 'Fotos 日本/a.txt', folderText: 'mine', loose: 'notes.txt', looseText: 'my notes' };

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

let server: Server;
let origin: string;
let peer: Peer;
let script: string;
/** The sent folder written to disk, for the folder input. */
let disk: string | undefined;

beforeAll(async () => {
	script = await bundle();
	server = createServer((_request, response) => {
		response.setHeader('content-type', 'text/html; charset=utf-8');
		response.end('<!doctype html><title>folder tree</title><input type="file" webkitdirectory>');
	});
	await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
	peer = await launchPeer(origin);
	await peer.page.goto(origin);
	await peer.page.addScriptTag({ content: script });
});

afterAll(async () => {
	await peer?.close();
	if (disk) rmSync(disk, { recursive: true, force: true });
	server?.closeAllConnections();
	if (server) await new Promise((closed) => server.close(closed));
});

interface Saved {
	picked: { files: [string, string | undefined][]; folders: string[] };
	tree: { path: string; sha256: string }[];
	folders: string[];
}

describe('a folder in real Chromium', () => {
	it('is walked from its directory handle and recreated beside what the chosen folder held, nothing replaced', async () => {
		const saved: Saved = await peer.page.evaluate(
			async ({ sent, empty, own, savedDir }) => {
				type Folders = {
					collect(roots: unknown[]): Promise<{
						files: { name: string; path?: string; size: number; slice(start: number, end: number): Blob }[];
						folders: string[];
					}>;
					handleNode(handle: FileSystemHandle): unknown;
					NewTree: {
						in(dir: FileSystemDirectoryHandle): Promise<{
							create(file: { name: string; path?: string }): Promise<{
								handle: FileSystemFileHandle;
								untouched(): Promise<boolean>;
							}>;
							folders(paths: readonly string[]): Promise<void>;
						}>;
					};
					handleSink(
						handle: FileSystemFileHandle,
						steps: { beforeCommit(): Promise<void> },
					): Promise<{ write(chunk: Uint8Array): Promise<void>; close(): Promise<number> }>;
				};
				const folders = (window as unknown as { folders: Folders }).folders;
				const root = await navigator.storage.getDirectory();
				const folderAt = async (base: FileSystemDirectoryHandle, path: string) => {
					let dir = base;
					for (const name of path.split('/')) dir = await dir.getDirectoryHandle(name, { create: true });
					return dir;
				};
				const write = async (base: FileSystemDirectoryHandle, path: string, text: string) => {
					const cut = path.lastIndexOf('/');
					const dir = cut < 0 ? base : await folderAt(base, path.slice(0, cut));
					const writable = await (
						await dir.getFileHandle(path.slice(cut + 1), { create: true })
					).createWritable();
					await writable.write(text);
					await writable.close();
				};

				const source = await root.getDirectoryHandle('to-send', { create: true });
				for (const [path, text] of Object.entries(sent)) await write(source, path, text);
				await folderAt(source, empty);
				await write(source, own.loose, 'the loose file sent');
				const target = await root.getDirectoryHandle(savedDir, { create: true });
				await write(target, own.folderFile, own.folderText);
				await write(target, own.loose, own.looseText);

				const picked = await folders.collect([
					folders.handleNode(await source.getDirectoryHandle('Fotos 日本')),
					folders.handleNode(await source.getFileHandle(own.loose)),
				]);
				const tree = await folders.NewTree.in(target);
				await tree.folders(picked.folders);
				for (const file of picked.files) {
					const made = await tree.create({ name: file.name, path: file.path });
					const sink = await folders.handleSink(made.handle, {
						async beforeCommit() {
							if (!(await made.untouched())) throw new Error('someone wrote to the new file');
						},
					});
					await sink.write(new Uint8Array(await file.slice(0, file.size).arrayBuffer()));
					await sink.close();
				}

				const files: { path: string; sha256: string }[] = [];
				const dirs: string[] = [];
				const read = async (dir: FileSystemDirectoryHandle, base: string): Promise<void> => {
					const entries = dir as unknown as AsyncIterable<[string, FileSystemHandle]>;
					for await (const [name, handle] of entries) {
						const path = base ? `${base}/${name}` : name;
						if (handle.kind === 'directory') {
							dirs.push(path);
							await read(handle as FileSystemDirectoryHandle, path);
							continue;
						}
						const bytes = await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer();
						const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
						files.push({ path, sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('') });
					}
				};
				await read(target, '');
				return {
					picked: {
						files: picked.files.map((f): [string, string | undefined] => [f.name, f.path]),
						folders: picked.folders,
					},
					tree: files.sort((a, b) => (a.path < b.path ? -1 : 1)),
					folders: dirs.sort(),
				};
			},
			{ sent: SENT, empty: EMPTY, own: OWN, savedDir: SAVED_DIR },
		);

		expect(saved.picked).toEqual({
			files: [
				['deep.bin', 'Fotos 日本/2026/Sommer/deep.bin'],
				['Ünïcode ✓.txt', 'Fotos 日本/2026/Ünïcode ✓.txt'],
				['a.txt', 'Fotos 日本/a.txt'],
				['readme.md', 'Fotos 日本/docs/readme.md'],
				['notes.txt', undefined],
			],
			folders: [EMPTY],
		});
		const arrived = (path: string) => path.replace('Fotos 日本/', 'Fotos 日本 (1)/');
		expect(saved.tree).toEqual(
			[
				{ path: OWN.folderFile, sha256: sha256(OWN.folderText) },
				{ path: OWN.loose, sha256: sha256(OWN.looseText) },
				{ path: 'notes (1).txt', sha256: sha256('the loose file sent') },
				...Object.entries(SENT).map(([path, text]) => ({ path: arrived(path), sha256: sha256(text) })),
			].sort((a, b) => (a.path < b.path ? -1 : 1)),
		);
		expect(saved.folders).toEqual(
			[
				'Fotos 日本',
				'Fotos 日本 (1)',
				'Fotos 日本 (1)/2026',
				'Fotos 日本 (1)/2026/Sommer',
				arrived(EMPTY),
				'Fotos 日本 (1)/docs',
			].sort(),
		);
		expect(peer.errors).toEqual([]);
	});
});

describe('a folder picked with a folder input in real Chromium', () => {
	it('gives each file its path in the folder, the picked folder’s name first', async () => {
		disk = makeDir();
		for (const [path, text] of Object.entries(SENT)) {
			mkdirSync(dirname(join(disk, path)), { recursive: true });
			writeFileSync(join(disk, path), text);
		}
		await peer.page.locator('input[webkitdirectory]').setInputFiles(join(disk, 'Fotos 日本'));
		const picked = await peer.page.evaluate(() => {
			type Picked = { files: { name: string; path?: string; size: number }[]; folders: string[] };
			const { fromRelativePaths } = (
				window as unknown as { folders: { fromRelativePaths(f: FileList): Picked } }
			).folders;
			const input = document.querySelector<HTMLInputElement>('input[webkitdirectory]');
			const { files, folders } = fromRelativePaths(input?.files ?? new DataTransfer().files);
			return { files: files.map((f) => [f.name, f.path, f.size]), folders };
		});
		expect(picked).toEqual({
			files: Object.entries(SENT)
				.sort(([a], [b]) => (a < b ? -1 : 1))
				.map(([path, text]) => [path.slice(path.lastIndexOf('/') + 1), path, text.length]),
			folders: [],
		});
	});
});
