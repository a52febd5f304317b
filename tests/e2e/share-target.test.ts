// Sharing files to the installed app: the OS posts them to the manifest's share_target, the service
// worker stores them and opens the send screen; after pairing they arrive byte-identical, and the stored
// copies are deleted once sent or discarded.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import {
	confirmPeer,
	launchPeer,
	openApp,
	readQr,
	savedFiles,
	waitForStatus,
	type Peer,
} from '../harness/browser';
import { makeDir, makeFile, type TestFile } from '../harness/files';
import { serviceWorkerActivated, sharedEntries, shareToApp } from '../harness/pwa-helpers';

let server: RunningServer;
let dir: string;
let files: TestFile[];
let sender: Peer;

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
	dir = makeDir();
	files = [makeFile(dir, 'holiday photo.jpg', 700_000), makeFile(dir, 'notes.bin', 3 * 1024 * 1024 + 17)];
});

afterAll(async () => {
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
	sender = await launchPeer(server.url);
	await openApp(sender.page, server.url);
	await serviceWorkerActivated(sender.page);
});

afterEach(async () => {
	await sender.close();
});

const queuedNames = (peer: Peer) =>
	peer.page
		.getByRole('button', { name: /^Remove / })
		.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));

describe('share target', () => {
	it('queues two shared files on the send screen, sends them byte-identical, then deletes the stored copies', async () => {
		await shareToApp(
			sender.page,
			files.map((f) => f.path),
			{ title: 'Trip', text: 'Pictures from the trip', url: 'https://example.org/trip' },
		);
		await sender.page.locator('main[data-hydrated="true"]').waitFor();
		await sender.page.getByRole('heading', { name: 'Send files' }).waitFor();
		await expect.poll(() => queuedNames(sender)).toEqual(['Remove holiday photo.jpg', 'Remove notes.bin']);
		expect(new URL(sender.page.url()).search).toBe('');
		expect(await sender.page.getByTestId('shared-text').textContent()).toContain(
			'Trip\nPictures from the trip\nhttps://example.org/trip',
		);
		const stored = await sharedEntries(sender.page);
		expect(stored).toHaveLength(3);

		const receiver = await launchPeer(server.url);
		try {
			await openApp(receiver.page, await readQr(sender.page));
			await confirmPeer(sender);
			const card = receiver.page.getByTestId('transfer').first();
			await waitForStatus(receiver, 'incoming', 30_000);
			await card.getByRole('button', { name: 'Accept and save' }).click();
			await waitForStatus(receiver, 'done', 60_000);
			await waitForStatus(sender, 'done');
			expect(await savedFiles(receiver.page)).toEqual(
				files
					.map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 }))
					.sort((a, b) => a.name.localeCompare(b.name)),
			);
			await expect
				.poll(() => receiver.page.getByTestId('text').allTextContents())
				.toEqual(['Trip\nPictures from the trip\nhttps://example.org/trip']);
			await expect.poll(() => sharedEntries(sender.page)).toEqual([]);
			expect(receiver.errors).toEqual([]);
		} finally {
			await receiver.close();
		}
		expect(sender.errors).toEqual([]);
	});

	it('deletes the stored copy of a shared file the user removes, and of all of them on leaving', async () => {
		await shareToApp(
			sender.page,
			files.map((f) => f.path),
		);
		await expect.poll(() => queuedNames(sender)).toEqual(['Remove holiday photo.jpg', 'Remove notes.bin']);
		expect(await sender.page.getByTestId('shared-text').count()).toBe(0);
		await sender.page.getByRole('button', { name: 'Remove holiday photo.jpg' }).click();
		// Only the removed file's copy goes; the other (and the share's description) stay until sent or dropped.
		await expect.poll(() => sharedEntries(sender.page)).toHaveLength(2);
		expect((await sharedEntries(sender.page)).some((path) => path.endsWith('/0'))).toBe(false);
		await sender.page.getByRole('button', { name: 'Leave session' }).click();
		await expect.poll(() => sharedEntries(sender.page)).toEqual([]);
		await sender.page.getByRole('button', { name: /Send files/ }).click();
		await sender.page.getByTestId('qr').waitFor();
		expect(await queuedNames(sender)).toEqual([]);
		expect(sender.errors).toEqual([]);
	});
});
