// A whole folder sent through the app between two real Chromium processes: picked with "Send a folder"
// (the folder input where no folder picker exists, and the folder picker where it does), shown to the
// receiver as a summary with a bounded number of file rows, saved into a folder: same paths, same SHA-256.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import {
	confirmPeer,
	launchPeer,
	openApp,
	pairPeers,
	pickFolder,
	type Peer,
	SAVED_DIR,
	waitForStatus,
} from '../harness/browser';
import { makeDir, makeTree, type TestTree } from '../harness/files';
import { MAX_FILE_ROWS } from '../../src/lib/ui/file-rows';
import { formatBytes } from '../../src/lib/ui/format';

const ROOT = 'Projekt ✓ 日本';
const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

let server: RunningServer;
let disk: string;
/** Every file sent (SHA-256 by its path in the folder), and their total size. */
let tree: TestTree;

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
	disk = makeDir();
	tree = makeTree(disk, ROOT);
});

afterAll(async () => {
	await server?.stop();
	if (disk) rmSync(disk, { recursive: true, force: true });
});

let receiver: Peer;
let sender: Peer;

beforeEach(async () => {
	receiver = await launchPeer(server.url);
	sender = await launchPeer(server.url);
});

afterEach(async () => {
	await receiver.close();
	await sender.close();
});

interface Tree {
	files: Record<string, string>;
	folders: string[];
}

/** Every file (SHA-256, hex) and folder in the receiver's save folder, by path. */
function savedTree(peer: Peer): Promise<Tree> {
	return peer.page.evaluate(async (dirName) => {
		const files: Record<string, string> = {};
		const folders: string[] = [];
		const read = async (dir: FileSystemDirectoryHandle, base: string): Promise<void> => {
			for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
				const path = base ? `${base}/${name}` : name;
				if (handle.kind === 'directory') {
					folders.push(path);
					await read(handle as FileSystemDirectoryHandle, path);
					continue;
				}
				const bytes = await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer();
				const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
				files[path] = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
			}
		};
		const root = await navigator.storage.getDirectory();
		await read(await root.getDirectoryHandle(dirName, { create: true }), '');
		return { files, folders: folders.sort() };
	}, SAVED_DIR);
}

describe('sending a folder through the app', () => {
	it('sends 2,000 files in three levels with the folder input: the same tree, every SHA-256 equal, 50 rows at most', async () => {
		await pairPeers(receiver, sender, server.url);
		// Where there is no folder picker (Firefox, Safari) the button opens the folder input.
		const started = performance.now();
		await pickFolder(sender, join(disk, ROOT));

		// Held until the device is confirmed: the queue shows the folder as one row that can be removed.
		const queue = sender.page.getByTestId('queue');
		// Reading 2,000 files through the input took 0.4 s here, and more than the 5 s default once in a full run.
		await expect.poll(() => queue.getByTestId('tree-folder').count(), { timeout: 30_000 }).toBe(1);
		expect(await queue.getByTestId('tree-folder').textContent()).toContain('2,000 files');
		expect(await queue.getByRole('button', { name: `Remove the folder ${ROOT}` }).count()).toBe(1);
		expect(await queue.getByTestId('queued-file').count()).toBe(0);
		await confirmPeer(sender);

		await waitForStatus(receiver, 'incoming');
		const card = receiver.page.getByTestId('transfer').first();
		const folderRow = card.getByTestId('tree-folder');
		expect(await folderRow.count()).toBe(1);
		expect((await folderRow.textContent())?.replace(/\s+/g, ' ').trim()).toBe(
			`${ROOT} 2,000 files · ${formatBytes(tree.total, 'en', IEC)}`,
		);
		expect(await card.getByTestId('file').count()).toBe(MAX_FILE_ROWS);
		expect(await card.getByTestId('files-more').textContent()).toBe(
			`… and ${(2000 - MAX_FILE_ROWS).toLocaleString('en')} more files`,
		);
		const firstRows = await card.getByTestId('file-name').allTextContents();
		expect(firstRows.every((path) => tree.files.has(path))).toBe(true);

		await card.getByRole('button', { name: /^Accept and save/ }).click();
		await waitForStatus(receiver, 'done', 170_000);
		await waitForStatus(sender, 'done');
		console.log(`2,000 files in a folder, picked to saved: ${Math.round(performance.now() - started)} ms`);
		expect(await card.getByTestId('file').count()).toBeLessThanOrEqual(MAX_FILE_ROWS);

		const saved = await savedTree(receiver);
		expect(Object.keys(saved.files)).toHaveLength(2000);
		expect(saved.files).toEqual(Object.fromEntries(tree.files));
		expect(saved.folders).toHaveLength(1 + 10 + 50);
		expect(sender.errors).toEqual([]);
		expect(receiver.errors).toEqual([]);
	});

	it('sends a folder picked with the folder picker, its empty folder too', async () => {
		await pairPeers(receiver, sender, server.url);
		// The sender's stubbed folder picker hands out its own OPFS folder "saved": the folder sent.
		const written = await sender.page.evaluate(async (dirName) => {
			const root = await navigator.storage.getDirectory();
			const picked = await root.getDirectoryHandle(dirName, { create: true });
			const write = async (dir: FileSystemDirectoryHandle, name: string, text: string) => {
				const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
				await writable.write(text);
				await writable.close();
			};
			const inner = await picked.getDirectoryHandle('unter 日本', { create: true });
			await write(picked, 'a.txt', 'alpha');
			await write(inner, 'ü ✓.txt', 'unicode');
			await inner.getDirectoryHandle('leer ∅', { create: true });
			return [`${dirName}/a.txt`, `${dirName}/unter 日本/ü ✓.txt`];
		}, SAVED_DIR);
		await sender.page.locator('button', { hasText: 'Send a folder' }).click();
		await confirmPeer(sender);
		await waitForStatus(receiver, 'incoming');
		const card = receiver.page.getByTestId('transfer').first();
		expect((await card.getByTestId('tree-folder').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
			`${SAVED_DIR} 2 files · 12 B`,
		);
		expect(await card.getByTestId('file-name').allTextContents()).toEqual(written);
		await card.getByRole('button', { name: /^Accept and save/ }).click();
		await waitForStatus(receiver, 'done');

		const saved = await savedTree(receiver);
		expect(Object.keys(saved.files).sort()).toEqual(written);
		expect(saved.folders).toEqual([SAVED_DIR, `${SAVED_DIR}/unter 日本`, `${SAVED_DIR}/unter 日本/leer ∅`]);
		expect(sender.errors).toEqual([]);
		expect(receiver.errors).toEqual([]);
	});

	it('queues loose files dropped on the drop zone', async () => {
		await openApp(sender.page, server.url);
		await sender.page.getByRole('button', { name: /Send files/ }).click();
		await sender.page.evaluate(() => {
			const data = new DataTransfer();
			data.items.add(new File(['alpha'], 'a ✓.txt'));
			data.items.add(new File(['beta!!'], 'ملف.txt'));
			const zone = document.querySelector('[role="group"]');
			zone?.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
		});
		const rows = sender.page.getByTestId('queued-file');
		await expect.poll(() => rows.count()).toBe(2);
		expect((await rows.allTextContents()).map((row) => row.replace(/\s+/g, ' ').trim())).toEqual([
			'a ✓.txt (5 B) Remove',
			'ملف.txt (6 B) Remove',
		]);
		expect(sender.errors).toEqual([]);
	});

	it('says so when a folder cannot be read, and nothing when the picker is closed', async () => {
		await openApp(sender.page, server.url);
		await sender.page.getByRole('button', { name: /Send files/ }).click();
		const button = sender.page.locator('button', { hasText: 'Send a folder' });
		await sender.page.evaluate(() => {
			const picker = window as { showDirectoryPicker?: () => Promise<unknown> };
			picker.showDirectoryPicker = () => Promise.reject(new DOMException('closed', 'AbortError'));
		});
		await button.click();
		await sender.page.evaluate(() => {
			// A folder that is gone by the time it is read.
			const gone = () => Promise.reject(new DOMException('gone', 'NotFoundError'));
			const folder = {
				kind: 'directory',
				name: 'weg',
				values: () => ({ [Symbol.asyncIterator]: () => ({ next: gone }) }),
			};
			(window as { showDirectoryPicker?: () => Promise<unknown> }).showDirectoryPicker = async () => folder;
		});
		const alert = sender.page.getByRole('alert');
		expect(await alert.count()).toBe(0);
		await button.click();
		await expect
			.poll(() => alert.textContent())
			.toContain('Pairbeam could not read what was picked or dropped.');
		expect(await sender.page.getByTestId('queue').count()).toBe(0);
	});
});
