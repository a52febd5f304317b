// Two Chromium peers whose every WebRTC datagram crosses the userspace relay (broadband profile, candidates
// rewritten in the harness's signaling): the file arrives whole and the browser itself measures the delay.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import { launchPeer, pairPeers, type Peer, savedFiles, sendFiles, waitForStatus } from '../harness/browser';
import { makeDir, makeFile, type TestFile } from '../harness/files';
import { startRelayedSignaling } from '../harness/relayed-signaling';
import { PROFILES, startUdpRelay, type UdpRelay } from '../harness/udp-relay';
import { creditsGranted, dataBytesSent, instrumentPage, selectedRoutes } from '../harness/page-instruments';

let server: RunningServer;
let relay: UdpRelay;
let signaling: Awaited<ReturnType<typeof startRelayedSignaling>>;
let dir: string;
let file: TestFile;
let cutFile: TestFile;
const peers: Peer[] = [];

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
	relay = await startUdpRelay({ ...PROFILES.broadband, seed: 14 });
	signaling = await startRelayedSignaling(server.url, relay);
	dir = makeDir();
	file = makeFile(dir, 'over-broadband.bin', 4 * 1024 * 1024);
	cutFile = makeFile(dir, 'cut-at-half.bin', 16 * 1024 * 1024);
});

/** A receiver showing the code and a sender that joined it, both instrumented, connected through the relay. */
async function pairedThroughRelay(): Promise<{ receiver: Peer; sender: Peer }> {
	const receiver = await launchPeer(signaling.url);
	const sender = await launchPeer(signaling.url);
	peers.push(receiver, sender);
	for (const peer of [receiver, sender]) await peer.context.addInitScript(instrumentPage);
	await pairPeers(receiver, sender, signaling.url, 30_000);
	return { receiver, sender };
}

async function accept(receiver: Peer): Promise<void> {
	await receiver.page
		.locator('[data-testid="transfer"][data-status="incoming"]')
		.getByRole('button', { name: 'Accept and save' })
		.click();
}

afterAll(async () => {
	for (const peer of peers) await peer.close();
	await signaling?.close();
	await relay?.close();
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
});

describe('an impaired network (userspace UDP relay, broadband profile)', () => {
	it('sends a file byte-identical through the relay over four lanes, at the round trip the profile sets', async () => {
		const { receiver, sender } = await pairedThroughRelay();
		await sendFiles(sender, [file.path]);
		await accept(receiver);
		await waitForStatus(receiver, 'done', 30_000);
		expect(await savedFiles(receiver.page)).toEqual([
			{ name: file.name, size: file.size, sha256: file.sha256 },
		]);

		// Each page's first peer is the relay's port facing it (the host is side a, the guest, here the sender, b).
		const [atReceiver, atSender] = [await selectedRoutes(receiver.page), await selectedRoutes(sender.page)];
		expect(atReceiver[0].remote).toBe(`127.0.0.1:${relay.port('a')}`);
		expect(atSender[0].remote).toBe(`127.0.0.1:${relay.port('b')}`);
		for (const { rttMs } of [...atReceiver, ...atSender]) {
			expect(rttMs).toBeGreaterThanOrEqual(35);
			expect(rttMs).toBeLessThan(1_000);
		}
		// Four lanes (peer connections) on each side, every one of them carrying a share of the file.
		expect([atReceiver.length, atSender.length]).toEqual([4, 4]);
		for (const lane of atSender) expect(lane.bytesSent).toBeGreaterThan(file.size / 16);
		// The file crossed the relay, and nothing reached it that the sender's transports did not send. Not every
		// datagram sent need reach it: the kernel drops those a busy relay does not read in time (likely why CI
		// once counted 8% fewer; not measured).
		const sent = atSender.reduce((sum, lane) => sum + lane.bytesSent, 0);
		const { ba } = relay.stats();
		expect(ba.forwardedBytes).toBeGreaterThan(file.size);
		expect(ba.bytes / sent).toBeLessThan(1.05);
		expect(ba.lost).toBeGreaterThan(0);
		// The receiver's last credit, granted once the whole file was written, reaches past the 16 MiB floor by
		// twice what the link carries in a round trip: the page's measured round trip and rate reached the engine.
		const window = Math.max(...(await creditsGranted(receiver.page))) - file.size;
		console.log(`[e2e figures] broadband credit window ${window} bytes`);
		expect(window).toBeGreaterThan(16 * 2 ** 20);
		expect(window).toBeLessThan(17 * 2 ** 20);
	});

	it('re-sends little after a cut at half of 16 MiB: a slow link does not queue seconds of data ahead', async () => {
		const { receiver, sender } = await pairedThroughRelay();
		await sendFiles(sender, [cutFile.path]);
		await accept(receiver);
		await receiver.page.waitForFunction(
			() =>
				((document.querySelector('[data-testid="file"] progress') as HTMLProgressElement)?.value ?? 0) >= 50,
			null,
			{ polling: 50, timeout: 60_000 },
		);
		await receiver.page.evaluate(() =>
			(window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.forEach((pc) => pc.close()),
		);
		await waitForStatus(receiver, 'done', 60_000);
		expect((await savedFiles(receiver.page)).find((f) => f.name === cutFile.name)).toEqual({
			name: cutFile.name,
			size: cutFile.size,
			sha256: cutFile.sha256,
		});
		// What was queued past the cut (four lanes' queues of at least 256 KiB, and their SCTP windows), frames
		// held behind a gap, and the unverified part of the block it fell in (at most 1 MiB): measured 0.8 to 3.4
		// MiB. Queues of a fixed 4 MiB a lane held seconds of data here: the same cut re-sent 8.00 MiB.
		const resent = (await dataBytesSent(sender.page)) - cutFile.size;
		console.log(`[e2e figures] broadband cut at 50% of 16 MiB re-sent ${(resent / 2 ** 20).toFixed(2)} MiB`);
		expect(resent).toBeLessThanOrEqual(4 * 2 ** 20);
	});
});
