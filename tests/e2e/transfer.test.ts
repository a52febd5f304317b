// The product's core path in two real Chromium processes against the real local Worker: pair by the QR
// code's pixels, send real bytes, and compare SHA-256 of what landed on the receiver's disk.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server';
import { heapSampler, launchPeer, openApp, readQr, savedFiles, type Peer } from './browser';
import { makeDir, makeFile, type TestFile } from './files';

let server: RunningServer;
let dir: string;
let files: { empty: TestFile; small: TestFile; big: TestFile };
let receiver: Peer;
let sender: Peer;

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
	dir = makeDir();
	files = {
		empty: makeFile(dir, 'empty.bin', 0),
		small: makeFile(dir, 'one-mib.bin', 1024 * 1024),
		big: makeFile(dir, 'sixty-four-mib.bin', 64 * 1024 * 1024),
	};
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

/** The receiver shows the QR code; the sender opens what the QR code says. */
async function pairReceiverFirst(): Promise<string> {
	await openApp(receiver.page, server.url);
	await receiver.page.getByRole('button', { name: /Receive files/ }).click();
	const link = await readQr(receiver.page);
	await openApp(sender.page, link);
	await connected(receiver);
	await connected(sender);
	return link;
}

async function connected(peer: Peer): Promise<void> {
	await peer.page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: 20_000 });
}

function transferCard(peer: Peer) {
	return peer.page.getByTestId('transfer').first();
}

async function waitForStatus(peer: Peer, status: string, timeout = 60_000): Promise<void> {
	await peer.page.locator(`[data-testid="transfer"][data-status="${status}"]`).first().waitFor({ timeout });
}

describe('transfer between two Chromium peers', () => {
	it('pairs by QR code and sends 0 B, 1 MiB and 64 MiB files byte-identical', async () => {
		const link = await pairReceiverFirst();
		expect(link).toMatch(new RegExp(`^${server.url}/j#[A-Za-z0-9]{20}\\.[A-Za-z0-9]{32}\\.[A-Za-z0-9]{32}$`));
		// The join token and key are gone from the sender's address bar once it has joined.
		expect(sender.page.url()).toBe(`${server.url}/j`);

		await sender.page
			.getByTestId('file-input')
			.setInputFiles([files.empty.path, files.small.path, files.big.path]);
		await waitForStatus(receiver, 'incoming');
		const card = transferCard(receiver);
		await expect.poll(() => card.getByTestId('file').count()).toBe(3);
		expect(await card.textContent()).toContain('sixty-four-mib.bin');

		const heap = heapSampler(receiver.cdp);
		const started = performance.now();
		await card.getByRole('button', { name: 'Accept and save' }).click();
		await waitForStatus(receiver, 'done', 120_000);
		const seconds = (performance.now() - started) / 1000;
		const peakHeap = await heap.stop();
		await waitForStatus(sender, 'done');

		const saved = await savedFiles(receiver.page);
		const expected = [files.empty, files.small, files.big]
			.map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 }))
			.sort((a, b) => a.name.localeCompare(b.name));
		expect(saved).toEqual(expected);
		const total = files.small.size + files.big.size;
		console.log(
			`[e2e figures] ${(total / 1e6 / seconds).toFixed(1)} MB/s over ${(total / 2 ** 20).toFixed(0)} MiB; ` +
				`receiver peak JS heap ${(peakHeap / 2 ** 20).toFixed(1)} MiB`,
		);
		expect(receiver.errors).toEqual([]);
		expect(sender.errors).toEqual([]);
	});
});
