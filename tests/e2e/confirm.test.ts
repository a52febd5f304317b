// Files go only to the device the user confirmed: a stranger who joins with a leaked pairing link gets
// nothing, and one tap on the button naming the real peer's verification code sends the queue to it.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import {
	confirmButton,
	connected,
	launchPeer,
	openApp,
	readQr,
	savedFiles,
	sendFiles,
	waitForStatus,
	type Peer,
} from '../harness/browser';
import { makeDir, makeFile, type TestFile } from '../harness/files';

/** Records what arrives on the page's DataChannel: `t` of each control frame, `data` for file bytes. */
const recordFrames = `(() => {
	window.__frames = [];
	const create = RTCPeerConnection.prototype.createDataChannel;
	RTCPeerConnection.prototype.createDataChannel = function (...args) {
		const channel = create.apply(this, args);
		channel.addEventListener('message', (event) => {
			const bytes = new Uint8Array(event.data);
			if (bytes[0] !== 1) return window.__frames.push('data');
			try {
				window.__frames.push(JSON.parse(new TextDecoder().decode(bytes.subarray(1))).t);
			} catch {
				window.__frames.push('unreadable');
			}
		});
		return channel;
	};
})();`;

const framesOf = (peer: Peer) =>
	peer.page.evaluate(() => (window as unknown as { __frames: string[] }).__frames);

let server: RunningServer;
let dir: string;
let file: TestFile;
let sender: Peer;
let stranger: Peer;
let peer: Peer;

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
	dir = makeDir();
	file = makeFile(dir, 'only-for-you.bin', 3 * 1024 * 1024 + 5);
});

afterAll(async () => {
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
	sender = await launchPeer(server.url);
	stranger = await launchPeer(server.url);
	peer = await launchPeer(server.url);
	await stranger.context.addInitScript(recordFrames);
});

afterEach(async () => {
	for (const p of [sender, stranger, peer]) await p.close();
});

const codeOf = (p: Peer) => p.page.getByTestId('verification-code').textContent();

describe('confirming the device before anything is sent', () => {
	it('sends nothing to a stranger with the leaked link, and the queue to the confirmed peer', async () => {
		await sender.page.setViewportSize({ width: 360, height: 740 });
		await openApp(sender.page, server.url);
		await sender.page.getByRole('button', { name: /Send files/ }).click();
		await sendFiles(sender, [file.path]);
		const link = await readQr(sender.page);

		// The stranger scans the leaked code first: both sides connect and show a code, nothing is sent.
		await openApp(stranger.page, link);
		await connected(stranger);
		await connected(sender);
		await stranger.page.getByTestId('verification-code').waitFor();
		const strangerCode = await codeOf(stranger);
		await expect.poll(() => codeOf(sender)).toBe(strangerCode);
		expect(await sender.page.getByTestId('transfer').count()).toBe(0);
		await sender.page.getByLabel('Send a text or link').fill('meet at noon');
		await sender.page.getByRole('button', { name: 'Send text' }).click();
		await confirmButton(sender).waitFor();
		expect(await confirmButton(sender).textContent()).toBe(`Send to the device showing ${strangerCode}`);
		expect(await sender.page.getByRole('button', { name: `Remove ${file.name}` }).count()).toBe(1);
		expect(await stranger.page.getByTestId('transfer').count()).toBe(0);
		expect(await stranger.page.getByTestId('text').count()).toBe(0);

		await stranger.page.getByRole('button', { name: 'Leave session' }).click();
		await sender.page.locator('[data-testid="connection"][data-state="waiting"]').waitFor();
		expect(await confirmButton(sender).count()).toBe(0);
		expect(await stranger.page.getByTestId('transfer').count()).toBe(0);
		expect(await framesOf(stranger)).toEqual([]);

		// The real peer joins: a new code, which the sender's button now names; the live region says so.
		await openApp(peer.page, link);
		await connected(peer);
		await peer.page.getByTestId('verification-code').waitFor();
		const code = await codeOf(peer);
		expect(code).toMatch(/^\d{3} \d{3}$/);
		expect(code).not.toBe(strangerCode);
		const button = sender.page.getByRole('button', { name: `Send to the device showing ${code}` });
		await button.waitFor();
		expect(await sender.page.getByTestId('announcer').textContent()).toContain(code);
		expect(await peer.page.getByTestId('transfer').count()).toBe(0);
		expect(await sender.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

		// One tap, from the keyboard: Tab reaches the button, Enter sends.
		let focused = false;
		for (let tab = 0; tab < 30 && !focused; tab++) {
			await sender.page.keyboard.press('Tab');
			focused = await button.evaluate((el) => el === document.activeElement);
		}
		expect(focused).toBe(true);
		await sender.page.keyboard.press('Enter');

		await waitForStatus(peer, 'incoming');
		await peer.page.getByRole('button', { name: `Accept and save from the device showing ${code}` }).click();
		await waitForStatus(peer, 'done');
		await waitForStatus(sender, 'done');
		expect(await savedFiles(peer.page)).toEqual([{ name: file.name, size: file.size, sha256: file.sha256 }]);
		await expect.poll(() => peer.page.getByTestId('text').allTextContents()).toEqual(['meet at noon']);
		// Later picks in this pairing need no new tap.
		const second = makeFile(dir, 'second.bin', 1000);
		await sender.page.getByTestId('file-input').setInputFiles([second.path]);
		await expect.poll(() => peer.page.getByTestId('transfer').count()).toBe(2);
		expect(await confirmButton(sender).count()).toBe(0);
		expect(await savedFiles(stranger.page)).toEqual([]);
		for (const p of [sender, stranger, peer]) expect(p.errors).toEqual([]);
	});
});
