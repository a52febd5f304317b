// Sharing files to the installed app: the OS (or any site) posts them to the manifest's share_target, the
// service worker stores them up to a size cap and the app shows them; only once the user keeps them are they
// queued, after pairing they arrive byte-identical, and the stored copies are deleted once sent or discarded.
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
import {
	serviceWorkerActivated,
	shareFromAnotherSite,
	sharedEntries,
	shareToApp,
} from '../harness/pwa-helpers';

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

/** The queued files' Remove buttons (held text has its own, "Remove text …"). */
const queuedNames = (peer: Peer) =>
	peer.page
		.getByRole('button', { name: /^Remove (?!text )/ })
		.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));

const review = (peer: Peer) => peer.page.getByTestId('share-review');

/** The share the page shows for review, once it is there: its file list and text. */
async function reviewed(peer: Peer): Promise<{ files: string[]; text: string | null }> {
	await review(peer).waitFor();
	const text = review(peer).getByTestId('shared-text');
	return {
		files: await review(peer).getByRole('listitem').allTextContents(),
		text: (await text.count()) > 0 ? await text.textContent() : null,
	};
}

/** Nothing of a share reached the send queue or a session. */
async function nothingQueued(peer: Peer): Promise<void> {
	expect(await queuedNames(peer)).toEqual([]);
	expect(await peer.page.getByTestId('connection').count()).toBe(0);
}

/** The share ids the store holds, one per share. */
const storedIds = async (peer: Peer) => [
	...new Set((await sharedEntries(peer.page)).map((path) => path.split('/')[2])),
];

describe('share target', () => {
	it('shows two shared files, queues them only on Keep and send, sends them byte-identical, then deletes the stored copies', async () => {
		await shareToApp(
			sender.page,
			files.map((f) => f.path),
			{ title: 'Trip', text: 'Pictures from the trip', url: 'https://example.org/trip' },
		);
		await sender.page.locator('main[data-hydrated="true"]').waitFor();
		const shown = await reviewed(sender);
		expect(shown.files).toEqual([
			expect.stringMatching(/^holiday photo\.jpg \(/),
			expect.stringMatching(/^notes\.bin \(/),
		]);
		expect(shown.text).toBe('Trip\nPictures from the trip\nhttps://example.org/trip');
		expect(new URL(sender.page.url()).search).toBe('');
		await nothingQueued(sender);
		expect(await sharedEntries(sender.page)).toHaveLength(3);

		await review(sender).getByRole('button', { name: 'Keep and send' }).click();
		await sender.page.getByRole('heading', { name: 'Send files' }).waitFor();
		await expect.poll(() => queuedNames(sender)).toEqual(['Remove holiday photo.jpg', 'Remove notes.bin']);
		// The text waits in the session with the files, for the device to be confirmed.
		await sender.page.getByRole('button', { name: /^Remove text Trip/ }).waitFor();
		expect(await review(sender).count()).toBe(0);

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

	it('deletes the stored copy of a kept file the user removes, and of all of them on leaving', async () => {
		await shareToApp(
			sender.page,
			files.map((f) => f.path),
		);
		expect((await reviewed(sender)).text).toBeNull();
		await review(sender).getByRole('button', { name: 'Keep and send' }).click();
		await expect.poll(() => queuedNames(sender)).toEqual(['Remove holiday photo.jpg', 'Remove notes.bin']);
		await sender.page.getByRole('button', { name: 'Remove holiday photo.jpg' }).click();
		// Only the removed file's copy goes; the other (and the share's description) stay until sent or dropped.
		await expect.poll(() => sharedEntries(sender.page)).toHaveLength(3);
		expect((await sharedEntries(sender.page)).some((path) => path.endsWith('/0'))).toBe(false);
		await sender.page.getByRole('button', { name: 'Leave session' }).click();
		await expect.poll(() => sharedEntries(sender.page)).toEqual([]);
		await sender.page.getByRole('button', { name: /Send files/ }).click();
		await sender.page.getByTestId('qr').waitFor();
		expect(await queuedNames(sender)).toEqual([]);
		expect(sender.errors).toEqual([]);
	});

	it('a share posted by another site is only shown: nothing is queued, a newer share replaces it, Discard deletes it', async () => {
		await shareFromAnotherSite(sender.page, server.url, [files[0].path], { text: 'from a stranger' });
		await sender.page.locator('main[data-hydrated="true"]').waitFor();
		expect(await reviewed(sender)).toEqual({
			files: [expect.stringMatching(/^holiday photo\.jpg \(/)],
			text: 'from a stranger',
		});
		await nothingQueued(sender);
		const [first] = await storedIds(sender);
		expect(first).toBeTruthy();

		await shareFromAnotherSite(sender.page, server.url, [files[1].path]);
		expect((await reviewed(sender)).files).toEqual([expect.stringMatching(/^notes\.bin \(/)]);
		const [second, ...more] = await storedIds(sender);
		expect(more).toEqual([]);
		expect(second).not.toBe(first);

		await review(sender).getByRole('button', { name: 'Discard' }).click();
		await expect.poll(() => review(sender).count()).toBe(0);
		await expect.poll(() => sharedEntries(sender.page)).toEqual([]);
		await sender.page.getByRole('button', { name: /Receive files/ }).waitFor();
		await nothingQueued(sender);
		expect(sender.errors).toEqual([]);
	});

	it('refuses a share that would take the stored shares past 512 MiB, and says so', async () => {
		await shareToApp(sender.page, [files[0].path]);
		await reviewed(sender);
		await review(sender).getByRole('button', { name: 'Keep and send' }).click();
		await expect.poll(() => queuedNames(sender)).toEqual(['Remove holiday photo.jpg']);
		const kept = await sharedEntries(sender.page);

		// Alone it fits under the cap; with the kept share still waiting to be sent it does not.
		const big = join(dir, 'big.bin');
		writeFileSync(big, '');
		truncateSync(big, 512 * 1024 * 1024 - 512 * 1024);
		await shareToApp(sender.page, [big]);
		await sender.page.locator('main[data-hydrated="true"]').waitFor();
		await sender.page
			.getByRole('alert')
			.filter({ hasText: 'Pairbeam did not keep what was shared' })
			.filter({ hasText: '512 MiB' })
			.waitFor();
		expect(new URL(sender.page.url()).search).toBe('');
		expect(await review(sender).count()).toBe(0);
		expect(await sharedEntries(sender.page)).toEqual(kept);
		expect(sender.errors).toEqual([]);
	});
});
