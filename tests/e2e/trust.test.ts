// Trust and integrity end to end: a signaling server that swaps SDP is refused before any byte moves,
// and every received byte is checked against the sender's block digests.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server';
import { launchPeer, openApp, readQr, savedFiles, type Peer } from './browser';
import { makeDir, makeFile, type TestFile } from './files';
import { startTamperProxy, type TamperProxy } from './tamper-proxy';

let server: RunningServer;
let dir: string;
let small: TestFile;
let receiver: Peer;
let sender: Peer;

/** Counts DataChannel sends in a page: the proof that no file byte left it. */
const countSends = `(() => {
	window.__channelSends = 0;
	const send = RTCDataChannel.prototype.send;
	RTCDataChannel.prototype.send = function (data) {
		window.__channelSends += 1;
		return send.call(this, data);
	};
})();`;

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
	dir = makeDir();
	small = makeFile(dir, 'secret-plans.bin', 256 * 1024);
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

describe('a tampering signaling server', () => {
	let proxy: TamperProxy;

	beforeEach(async () => {
		proxy = await startTamperProxy(server.url);
		await sender.context.grantPermissions(['camera', 'microphone'], { origin: proxy.url });
		await receiver.context.grantPermissions(['camera', 'microphone'], { origin: proxy.url });
	});

	afterEach(async () => {
		await proxy.close();
	});

	it('is detected: the app refuses the connection and no file byte leaves the sender', async () => {
		await sender.context.addInitScript(countSends);
		await openApp(sender.page, proxy.url);
		await sender.page.getByRole('button', { name: /Send files/ }).click();
		await sender.page.getByTestId('file-input').setInputFiles([small.path]);
		const link = await readQr(sender.page);
		expect(link.startsWith(`${proxy.url}/j#`)).toBe(true);
		await openApp(receiver.page, link);

		const alert = sender.page.getByRole('alert').filter({ hasText: 'may be intercepted' });
		await alert.waitFor({ timeout: 20_000 });
		expect(proxy.tampered()).toBeGreaterThan(0);
		await expect
			.poll(() => receiver.page.getByTestId('connection').getAttribute('data-state'), { timeout: 30_000 })
			.toBe('ended');
		expect(
			await sender.page.evaluate(() => (window as unknown as { __channelSends: number }).__channelSends),
		).toBe(0);
		expect(await sender.page.getByTestId('connection').getAttribute('data-state')).toBe('ended');
		expect(await receiver.page.getByTestId('transfer').count()).toBe(0);
		expect(await savedFiles(receiver.page)).toEqual([]);
	});
});
