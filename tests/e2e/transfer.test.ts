// The product's core path in two real Chromium processes against the real local Worker: pair by the QR
// code's pixels, send real bytes, and compare SHA-256 of what landed on the receiver's disk.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import {
	confirmPeer,
	heapSampler,
	launchPeer,
	openApp,
	pairPeers,
	type Peer,
	readQr,
	savedFiles,
	sendFiles,
	waitForStatus,
} from '../harness/browser';
import { makeDir, makeFile, type TestFile } from '../harness/files';
import { sanitizeFilename } from '../../src/lib/sinks/filename';

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

function transferCard(peer: Peer) {
	return peer.page.getByTestId('transfer').first();
}

/** Resolves once the receiver has written part of a file, i.e. the transfer is under way. */
async function midTransfer(peer: Peer): Promise<void> {
	await peer.page
		.locator('[data-testid="file"][data-status="active"] progress')
		.first()
		.waitFor({ timeout: 30_000 });
}

async function sendAndAccept(paths: string[]): Promise<void> {
	await sendFiles(sender, paths);
	await waitForStatus(receiver, 'incoming');
	await transferCard(receiver).getByRole('button', { name: 'Accept and save' }).click();
}

const fileStatuses = (peer: Peer) =>
	transferCard(peer)
		.getByTestId('file')
		.evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));

describe('transfer between two Chromium peers', () => {
	it('pairs by QR code and sends 0 B, 1 MiB and 64 MiB files byte-identical', async () => {
		const link = await pairPeers(receiver, sender, server.url);
		expect(link).toMatch(new RegExp(`^${server.url}/j#[A-Za-z0-9]{20}\\.[A-Za-z0-9]{32}\\.[A-Za-z0-9]{32}$`));
		// The join token and key are gone from the sender's address bar once it has joined.
		expect(sender.page.url()).toBe(`${server.url}/j`);

		await sendFiles(sender, [files.empty.path, files.small.path, files.big.path]);
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
		// Both screens show the same verification code, derived from both fingerprints and the link's key.
		const code = await receiver.page.getByTestId('verification-code').textContent();
		expect(code).toMatch(/^\d{3} \d{3}$/);
		expect(await sender.page.getByTestId('verification-code').textContent()).toBe(code);
		const total = files.small.size + files.big.size;
		console.log(
			`[e2e figures] ${(total / 1e6 / seconds).toFixed(1)} MB/s over ${(total / 2 ** 20).toFixed(0)} MiB; ` +
				`receiver peak JS heap ${(peakHeap / 2 ** 20).toFixed(1)} MiB`,
		);
		expect(receiver.errors).toEqual([]);
		expect(sender.errors).toEqual([]);
	});

	it('tells the sender when the receiver declines, and saves nothing', async () => {
		await pairPeers(receiver, sender, server.url);
		await sendFiles(sender, [files.small.path]);
		await waitForStatus(receiver, 'incoming');
		await transferCard(receiver).getByRole('button', { name: 'Decline' }).click();
		await waitForStatus(sender, 'declined');
		await waitForStatus(receiver, 'declined');
		expect(await transferCard(sender).getByTestId('transfer-status').textContent()).toContain('Declined');
		expect(await savedFiles(receiver.page)).toEqual([]);
	});

	it('cancels everything mid-transfer from the receiver; the sender is told and no partial file stays', async () => {
		await pairPeers(receiver, sender, server.url);
		await sendAndAccept([files.small.path, files.big.path]);
		await midTransfer(receiver);
		await expect.poll(() => fileStatuses(receiver)).toEqual(['done', 'active']);
		await transferCard(receiver).getByRole('button', { name: 'Cancel all' }).click();
		await waitForStatus(receiver, 'cancelled');
		await waitForStatus(sender, 'cancelled');
		expect(await fileStatuses(sender)).toEqual(['done', 'cancelled']);
		const saved = await savedFiles(receiver.page);
		expect(saved).toEqual([{ name: files.small.name, size: files.small.size, sha256: files.small.sha256 }]);
	});

	it('cancels one file mid-transfer from the sender and still delivers the others', async () => {
		await pairPeers(receiver, sender, server.url);
		const after = makeFile(dir, 'after.bin', 300_000);
		await sendAndAccept([files.small.path, files.big.path, after.path]);
		await expect.poll(() => fileStatuses(sender), { timeout: 30_000 }).toEqual(['done', 'active', 'waiting']);
		await transferCard(sender)
			.getByRole('button', { name: `Cancel ${files.big.name}` })
			.click();
		await waitForStatus(receiver, 'done');
		await waitForStatus(sender, 'done');
		expect(await fileStatuses(receiver)).toEqual(['done', 'cancelled', 'done']);
		expect(await fileStatuses(sender)).toEqual(['done', 'cancelled', 'done']);
		expect((await savedFiles(receiver.page)).map((f) => [f.name, f.sha256])).toEqual([
			[after.name, after.sha256],
			[files.small.name, files.small.sha256],
		]);
	});

	it('shows an error on the receiver, and no success anywhere, when the sender closes its tab mid-transfer', async () => {
		await pairPeers(receiver, sender, server.url);
		await sendAndAccept([files.big.path]);
		await midTransfer(receiver);
		await sender.page.close();
		await waitForStatus(receiver, 'failed');
		const card = transferCard(receiver);
		expect(await card.textContent()).toContain('The other device disconnected');
		expect(await receiver.page.getByRole('alert').first().textContent()).toContain('disconnected');
		const saved = await savedFiles(receiver.page);
		expect(saved.filter((f) => f.sha256 === files.big.sha256)).toEqual([]);
	});

	it('shows an error on the sender when the receiver closes its tab mid-transfer', async () => {
		await pairPeers(receiver, sender, server.url);
		await sendAndAccept([files.big.path]);
		await midTransfer(receiver);
		await receiver.page.close();
		await waitForStatus(sender, 'failed');
		expect(await transferCard(sender).textContent()).toContain('The other device disconnected');
		expect(await sender.page.locator('[data-testid="transfer"][data-status="done"]').count()).toBe(0);
	});

	it('works the other way round: the sender picks files first and shows the QR code', async () => {
		await openApp(sender.page, server.url);
		await sender.page.getByRole('button', { name: /Send files/ }).click();
		await sendFiles(sender, [files.small.path, files.empty.path]);
		await expect.poll(() => sender.page.getByRole('button', { name: /^Remove / }).count()).toBe(2);
		const link = await readQr(sender.page);
		await openApp(receiver.page, link);
		// Nothing leaves before the sender's user confirms the device by the code both screens show.
		const code = await confirmPeer(sender);
		expect(await receiver.page.getByTestId('verification-code').textContent()).toBe(code);
		await waitForStatus(receiver, 'incoming');
		await transferCard(receiver).getByRole('button', { name: 'Accept and save' }).click();
		await waitForStatus(receiver, 'done');
		await waitForStatus(sender, 'done');
		expect(await savedFiles(receiver.page)).toEqual(
			[files.empty, files.small]
				.map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 }))
				.sort((a, b) => a.name.localeCompare(b.name)),
		);
	});

	it('sends 1,000 small files at once, with unicode and path-hostile names sanitised on save', async () => {
		await pairPeers(receiver, sender, server.url);
		const many = makeDir();
		const odd = [
			'résumé ✓ 日本.txt',
			'a<b>c?d*e|f.txt',
			'CON.txt',
			'trailing dots...',
			'..',
			'x'.repeat(240) + '.txt',
			'invoice\u202efdp.exe',
			'zero\u200bwidth\u2060.txt',
			'\ufeffbom.txt',
			'con .txt',
			'CONIN$',
			'clock$.txt',
		];
		const made = [
			...odd.map((name, i) => makeFile(many, name === '..' ? 'dotdot' : name, 100 + i)),
			...Array.from({ length: 1000 - odd.length }, (_, i) =>
				makeFile(many, `f-${String(i).padStart(4, '0')}.dat`, 1 + (i % 2048)),
			),
		];
		await sendFiles(
			sender,
			made.map((f) => f.path),
		);
		await waitForStatus(receiver, 'incoming');
		// The offer shows each name as it will be saved: no override can make an .exe read as a PDF.
		const offered = await transferCard(receiver).getByTestId('file-name').allTextContents();
		expect(offered).toContain('invoicefdp.exe');
		expect(offered.filter((name) => /\p{Cf}/u.test(name))).toEqual([]);
		await transferCard(receiver).getByRole('button', { name: 'Accept and save' }).click();
		await waitForStatus(receiver, 'done', 150_000);
		await waitForStatus(sender, 'done');
		const saved = await savedFiles(receiver.page);
		const expected = made
			.map((f) => ({ name: sanitizeFilename(f.name), size: f.size, sha256: f.sha256 }))
			.sort((a, b) => a.name.localeCompare(b.name));
		expect(saved).toHaveLength(1000);
		expect(saved).toEqual(expected);
		expect(saved.map((f) => f.name)).toContain('a_b_c_d_e_f.txt');
		expect(saved.map((f) => f.name)).toContain('_CON.txt');
		expect(saved.map((f) => f.name)).toEqual(
			expect.arrayContaining([
				'invoicefdp.exe',
				'zerowidth.txt',
				'bom.txt',
				'_con .txt',
				'_CONIN$',
				'_clock$.txt',
			]),
		);
		rmSync(many, { recursive: true, force: true });
	});
});
