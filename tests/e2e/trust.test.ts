// Trust and integrity end to end: a signaling server that swaps SDP is refused before any byte moves,
// and every received byte is checked against the sender's block digests.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import {
	connected,
	launchPeer,
	openApp,
	readQr,
	savedFiles,
	sendFiles,
	showCode,
	waitForStatus,
	type Peer,
} from '../harness/browser';
import { makeDir, makeFile, type TestFile } from '../harness/files';
import { startTamperProxy, type TamperProxy } from '../harness/tamper-proxy';
import { dataBytesSent, instrumentPage, KIND_AT } from '../harness/page-instruments';
import { MAX_LANES } from '../../src/lib/protocol/signaling';

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
		await sendFiles(sender, [small.path]);
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

/** Corrupts one data frame's payload in the sender page, after encryption could not be the cause. */
const corruptOneFrame = `(() => {
	let dataFrames = 0;
	window.__corrupted = 0;
	const send = RTCDataChannel.prototype.send;
	RTCDataChannel.prototype.send = function (data) {
		if (data instanceof Uint8Array && data[${KIND_AT}] === 2 && ++dataFrames === 45) {
			const copy = data.slice();
			copy[${KIND_AT} + 13 + 1000] ^= 0xff;
			window.__corrupted += 1;
			return send.call(this, copy);
		}
		return send.call(this, data);
	};
})();`;

/**
 * Once `window.__slowSign` is set, every crypto.subtle.sign (the SDP signatures, the verification code)
 * resolves 1.5 s late: the page then learns who is on a new connection well after its DataChannel opened,
 * as a busy device can, and the other side's first frames arrive before the transfers listen.
 */
const slowSign = `(() => {
	const sign = crypto.subtle.sign.bind(crypto.subtle);
	crypto.subtle.sign = async (...args) => {
		const signature = await sign(...args);
		if (window.__slowSign) await new Promise((resolve) => setTimeout(resolve, 1500));
		return signature;
	};
})();`;

describe('integrity and resume', () => {
	let big: TestFile;

	beforeAll(() => {
		big = makeFile(dir, 'big-and-precious.bin', 64 * 1024 * 1024);
	});

	async function pairAndSend(): Promise<void> {
		await openApp(sender.page, await showCode(receiver, server.url));
		await connected(sender);
		await sendFiles(sender, [big.path]);
		const incoming = receiver.page.locator('[data-testid="transfer"][data-status="incoming"]');
		await incoming.getByRole('button', { name: 'Accept and save' }).click();
	}

	async function doneAndIdentical(): Promise<void> {
		await waitForStatus(receiver, 'done', 120_000);
		await waitForStatus(sender, 'done', 30_000);
		expect(await savedFiles(receiver.page)).toEqual([{ name: big.name, size: big.size, sha256: big.sha256 }]);
	}

	it('detects a block damaged in flight, names it, has it re-sent, and saves the file byte-identical', async () => {
		await sender.context.addInitScript(corruptOneFrame);
		await pairAndSend();
		await doneAndIdentical();
		expect(await sender.page.evaluate(() => (window as unknown as { __corrupted: number }).__corrupted)).toBe(
			1,
		);
		const notice = await receiver.page.getByTestId('file-notice').textContent();
		expect(notice).toMatch(/^Block \d+ arrived damaged and was sent again\.$/);
	});

	/** Starts the big transfer with both pages instrumented; resolves once the receiver has `percent` of it. */
	async function instrumentedTransferAt(percent: number): Promise<void> {
		await sender.context.addInitScript(instrumentPage);
		await receiver.context.addInitScript(instrumentPage);
		await pairAndSend();
		const progress = receiver.page.locator('[data-testid="file"] progress').first();
		await expect
			.poll(() => progress.evaluate((el) => (el as HTMLProgressElement).value), {
				timeout: 60_000,
				interval: 50,
			})
			.toBeGreaterThanOrEqual(percent);
	}

	/** File bytes the sender sent beyond the file's size: what the resume had to send again. */
	async function resentBytes(): Promise<number> {
		return (await dataBytesSent(sender.page)) - big.size;
	}

	const ONE_WINDOW = 16 * 2 ** 20 + 2 ** 20;

	it('resumes after the receiver loses its connection at ~50%, re-sending at most one credit window per lost link', async () => {
		await instrumentedTransferAt(50);
		const cut = await receiver.page.evaluate(() => {
			const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
			const live = pcs.filter((pc) => pc.connectionState !== 'closed');
			live.forEach((pc) => pc.close());
			return { live: live.length, made: pcs.length };
		});
		// Every lane of the link, so the transfer stops where it is and must resume on a new link.
		expect(cut.live).toBe(MAX_LANES);
		await waitForStatus(sender, 'paused', 10_000);
		await doneAndIdentical();
		const made = await receiver.page.evaluate(() => (window as unknown as { __pcs: unknown[] }).__pcs.length);
		expect(made).toBe(cut.made + MAX_LANES);
		// A loaded machine may lose a link on its own before the cut (CI once did): each loss may cost a window.
		const linksLost = made / MAX_LANES - 1;
		const resent = await resentBytes();
		console.log(
			`[e2e figures] resume re-sent ${(resent / 2 ** 20).toFixed(1)} MiB of ${big.size / 2 ** 20} MiB after ${linksLost} lost link(s)`,
		);
		expect(resent).toBeGreaterThanOrEqual(0);
		expect(resent).toBeLessThanOrEqual(linksLost * ONE_WINDOW);
	});

	it('resumes after the receiver drops off the network entirely (signaling and link) and comes back, while the sender is slow to verify', async () => {
		await sender.context.addInitScript(slowSign);
		await instrumentedTransferAt(40);
		await sender.page.evaluate(() => ((window as unknown as { __slowSign: boolean }).__slowSign = true));
		await receiver.page.evaluate(() => {
			const w = window as unknown as { __pcs: RTCPeerConnection[]; __sockets: WebSocket[] };
			w.__pcs.forEach((pc) => pc.close());
			// Not 1000/1001: to the server this is a lost connection, like a network change.
			w.__sockets.forEach((ws) => ws.close(4000, 'network changed'));
		});
		await waitForStatus(sender, 'paused', 10_000);
		await doneAndIdentical();
		const sockets = await receiver.page.evaluate(
			() => (window as unknown as { __sockets: unknown[] }).__sockets.length,
		);
		expect(sockets).toBe(2);
		expect(await resentBytes()).toBeLessThanOrEqual(ONE_WINDOW);
	});
});
