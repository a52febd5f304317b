// Saving into a folder the user chose, which already holds files of the same names: a transfer must
// never replace or delete a file it did not create, neither when a file arrives nor when one is cancelled.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import {
	launchPeer,
	pairPeers,
	type Peer,
	SAVED_DIR,
	savedFiles,
	sendFiles,
	waitForStatus,
} from '../harness/browser';
import { makeDir, makeFile } from '../harness/files';

let server: RunningServer;
let dir: string;
let receiver: Peer;
let sender: Peer;

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
	dir = makeDir();
});

afterAll(async () => {
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
	receiver = await launchPeer(server.url);
	sender = await launchPeer(server.url);
});

afterEach(async () => {
	await receiver.close();
	await sender.close();
});

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Writes files into the folder the receiver's folder picker hands out, as the user's own files. */
async function putInSaveFolder(peer: Peer, files: Record<string, string>): Promise<void> {
	await peer.page.evaluate(
		async ({ dirName, files }) => {
			const root = await navigator.storage.getDirectory();
			const folder = await root.getDirectoryHandle(dirName, { create: true });
			for (const [name, text] of Object.entries(files)) {
				const writable = await (await folder.getFileHandle(name, { create: true })).createWritable();
				await writable.write(text);
				await writable.close();
			}
		},
		{ dirName: SAVED_DIR, files },
	);
}

const fileStatuses = (peer: Peer) =>
	peer.page
		.getByTestId('transfer')
		.first()
		.getByTestId('file')
		.evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));

describe('saving into a folder that already holds files of the same names', () => {
	it('keeps the user’s a.txt and .npmrc byte-identical: the new file is saved beside, the cancelled one removed', async () => {
		const own = {
			'a.txt': 'the user’s own a.txt\n',
			'.npmrc': '//registry.example/:_authToken=the-users-own\n',
		};
		const arriving = { a: makeFile(dir, 'a.txt', 300_000), npmrc: makeFile(dir, '.npmrc', 64 * 1024 * 1024) };
		await pairPeers(receiver, sender, server.url);
		await putInSaveFolder(receiver, own);

		await sendFiles(sender, [arriving.a.path, arriving.npmrc.path]);
		await waitForStatus(receiver, 'incoming');
		const card = receiver.page.getByTestId('transfer').first();
		await card.getByRole('button', { name: 'Accept and save' }).click();
		await expect.poll(() => fileStatuses(receiver), { timeout: 30_000 }).toEqual(['done', 'active']);
		await receiver.page.locator('[data-testid="file"][data-status="active"] progress').waitFor();
		await card.getByRole('button', { name: 'Cancel .npmrc' }).click();
		await waitForStatus(receiver, 'done');
		await waitForStatus(sender, 'done');
		expect(await fileStatuses(receiver)).toEqual(['done', 'cancelled']);

		expect(await savedFiles(receiver.page)).toEqual([
			{ name: '.npmrc', size: Buffer.byteLength(own['.npmrc']), sha256: sha256(own['.npmrc']) },
			{ name: 'a (1).txt', size: arriving.a.size, sha256: arriving.a.sha256 },
			{ name: 'a.txt', size: Buffer.byteLength(own['a.txt']), sha256: sha256(own['a.txt']) },
		]);
		expect(receiver.errors).toEqual([]);
	});

	it('keeps the user’s file when the transfer fails mid-way (the sender closes its tab)', async () => {
		const own = { 'big.bin': 'the user’s own big.bin\n' };
		const arriving = makeFile(dir, 'big.bin', 64 * 1024 * 1024);
		await pairPeers(receiver, sender, server.url);
		await putInSaveFolder(receiver, own);

		await sendFiles(sender, [arriving.path, makeFile(dir, 'second.bin', 1000).path]);
		await waitForStatus(receiver, 'incoming');
		await receiver.page
			.getByTestId('transfer')
			.first()
			.getByRole('button', { name: 'Accept and save' })
			.click();
		await receiver.page
			.locator('[data-testid="file"][data-status="active"] progress')
			.waitFor({ timeout: 30_000 });
		await sender.page.close();
		await waitForStatus(receiver, 'failed');

		expect(await savedFiles(receiver.page)).toEqual([
			{ name: 'big.bin', size: Buffer.byteLength(own['big.bin']), sha256: sha256(own['big.bin']) },
		]);
	});
});
