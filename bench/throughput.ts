// Throughput and memory of the real app against a bare RTCDataChannel on the same machine and bytes:
// the bare sender pushes 256 KiB messages; its receiver either writes 4 MiB batches to OPFS or only counts.
// Through a UDP relay (an impaired network) the app's candidates are rewritten by the signaling proxy its
// origin points at, and the bare channel's by this process, which carries its SDP.
import {
	connected,
	jsHeapUsed,
	launchPeer,
	openApp,
	peakSampler,
	sendFiles,
	showCode,
	waitForStatus,
	type Peer,
} from '../tests/harness/browser.ts';
import { dataBytesSent, instrumentPage, selectedRoute } from '../tests/harness/page-instruments.ts';
import { relaySdp } from '../tests/harness/relayed-signaling.ts';
import type { RelayFlow } from '../tests/harness/udp-relay.ts';
import { startCpuProfile, type CpuProfile } from './cpu-profile.ts';
import { browserMemory } from './process-memory.ts';

export interface Memory {
	receiverHeap: number;
	senderHeap: number;
	receiverPss: number;
	senderPss: number;
}

export interface Run extends Memory {
	ms: number;
	/** The round trip the sender's browser measured on the selected candidate pair before the transfer. */
	rttMs: number;
	/** Where both browsers spent CPU during the transfer, when it was asked for. */
	cpu?: CpuProfile;
}

/**
 * Peak JS heap and browser memory of both peers, sampled the same way in app and bare runs: sampling
 * costs CPU (PSS walks page tables), and sampling only the app's runs made it look 15-20% slower.
 */
function sampleMemory(rx: Peer, tx: Peer): { stop(): Promise<Memory> } {
	const samplers = [
		peakSampler(() => jsHeapUsed(rx.cdp), 250),
		peakSampler(() => jsHeapUsed(tx.cdp), 250),
		peakSampler(() => browserMemory(rx.profile), 500),
		peakSampler(() => browserMemory(tx.profile), 500),
	];
	return {
		async stop() {
			const [receiverHeap, senderHeap, receiverPss, senderPss] = await Promise.all(
				samplers.map((s) => s.stop()),
			);
			return { receiverHeap, senderHeap, receiverPss, senderPss };
		},
	};
}

async function withPeers<T>(origin: string, run: (rx: Peer, tx: Peer) => Promise<T>): Promise<T> {
	const rx = await launchPeer(origin);
	const tx = await launchPeer(origin);
	await rx.context.addInitScript(instrumentPage);
	await tx.context.addInitScript(instrumentPage);
	try {
		return await run(rx, tx);
	} finally {
		await rx.close();
		await tx.close();
	}
}

/** Pairs two fresh browsers through the app at `origin` and offers the file at `path`; returns the offer card. */
async function offered(origin: string, rx: Peer, tx: Peer, path: string) {
	await openApp(tx.page, await showCode(rx, origin));
	await connected(tx, 60_000);
	await sendFiles(tx, [path]);
	const incoming = rx.page.locator('[data-testid="transfer"][data-status="incoming"]');
	await incoming.waitFor({ timeout: 60_000 }).catch(async (error: Error) => {
		throw new Error(`no offer reached the receiver: ${await pageStates(rx, tx)}`, { cause: error });
	});
	return incoming;
}

/** What each page showed when a step failed: its connection state and any alert, so a failed run says why. */
async function pageStates(rx: Peer, tx: Peer): Promise<string> {
	const state = async (peer: Peer) => {
		const connection = peer.page.getByTestId('connection');
		const alerts = await peer.page.getByRole('alert').allInnerTexts();
		return JSON.stringify({
			state: await connection.getAttribute('data-state').catch(() => null),
			confirmed: await connection.getAttribute('data-confirmed').catch(() => null),
			alerts: alerts.filter((text) => text.trim() !== ''),
			transfers: await peer.page
				.getByTestId('transfer')
				.evaluateAll((cards) => cards.map((card) => card.getAttribute('data-status'))),
		});
	};
	return `receiver ${await state(rx)}, sender ${await state(tx)}`;
}

/**
 * One file through the real app: QR pairing, accept, save to OPFS; timed from Accept to the receiver's "done".
 * `lanes` sets how many peer connections the sender (the guest, which opens them) stripes over; the app's own
 * choice when omitted.
 */
export function appTransfer(origin: string, path: string, lanes?: number, profileCpu = false): Promise<Run> {
	return withPeers(origin, async (rx, tx) => {
		if (lanes)
			await tx.context.addInitScript((n) => localStorage.setItem('pairbeam.lanes', String(n)), lanes);
		const incoming = await offered(origin, rx, tx, path);
		const { rttMs } = await selectedRoute(tx.page);
		const memory = sampleMemory(rx, tx);
		const cpu = profileCpu ? await startCpuProfile(rx, tx) : null;
		const started = performance.now();
		await incoming.getByRole('button', { name: 'Accept and save' }).click();
		await waitForStatus(rx, 'done', 30 * 60_000);
		const ms = performance.now() - started;
		return { ms, rttMs, cpu: await cpu?.stop(), ...(await memory.stop()) };
	});
}

export interface Resume {
	/** File bytes the sender sent twice: the cost of the cut. */
	resentBytes: number;
	/** From the cut to the file verified on the receiver. */
	msAfterCut: number;
}

/**
 * One file through the app, its receiver's peer connection closed once `percent` has arrived (a network
 * change): the app reconnects and resumes from the last verified block; counts the bytes sent again.
 */
export function appResume(origin: string, path: string, size: number, percent: number): Promise<Resume> {
	return withPeers(origin, async (rx, tx) => {
		const incoming = await offered(origin, rx, tx, path);
		await incoming.getByRole('button', { name: 'Accept and save' }).click();
		await rx.page.waitForFunction(
			(at) =>
				((document.querySelector('[data-testid="file"] progress') as HTMLProgressElement)?.value ?? 0) >= at,
			percent,
			{ polling: 50, timeout: 30 * 60_000 },
		);
		const cut = performance.now();
		await rx.page.evaluate(() =>
			(window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.forEach((pc) => pc.close()),
		);
		await waitForStatus(rx, 'done', 30 * 60_000);
		return { resentBytes: (await dataBytesSent(tx.page)) - size, msAfterCut: performance.now() - cut };
	});
}

/**
 * Connects two pages with `connections` peer connections of one negotiated DataChannel each; SDP goes through
 * this process, not a server, and through its flow of a relay when given (the sender is side b, as
 * the app's guest is). Several connections are several SCTP associations: each has its own congestion window.
 */
async function bareChannels(rx: Peer, tx: Peer, connections: number, flows: RelayFlow[] = []): Promise<void> {
	const setup = async ({ offers, count }: { offers: RTCSessionDescriptionInit[] | null; count: number }) => {
		const w = window as unknown as {
			pcs: RTCPeerConnection[];
			dcs: RTCDataChannel[];
			opened: Promise<unknown>;
		};
		w.pcs = Array.from({ length: count }, () => new RTCPeerConnection());
		w.dcs = w.pcs.map((pc) => pc.createDataChannel('bare', { negotiated: true, id: 0 }));
		w.opened = Promise.all(
			w.dcs.map((dc) => {
				dc.binaryType = 'arraybuffer';
				return new Promise((resolve) => dc.addEventListener('open', resolve, { once: true }));
			}),
		);
		return Promise.all(
			w.pcs.map(async (pc, i) => {
				if (offers) await pc.setRemoteDescription(offers[i]);
				await pc.setLocalDescription();
				await new Promise<void>((resolve) => {
					if (pc.iceGatheringState === 'complete') resolve();
					pc.addEventListener(
						'icegatheringstatechange',
						() => pc.iceGatheringState === 'complete' && resolve(),
					);
				});
				return pc.localDescription!.toJSON() as RTCSessionDescriptionInit;
			}),
		);
	};
	const relayed = (descriptions: RTCSessionDescriptionInit[], from: 'a' | 'b') =>
		descriptions.map((d, i) => (flows[i] ? { ...d, sdp: relaySdp(d.sdp ?? '', from, flows[i]) } : d));
	const offers = await tx.page.evaluate(setup, { offers: null, count: connections });
	const answers = await rx.page.evaluate(setup, { offers: relayed(offers, 'b'), count: connections });
	await tx.page.evaluate(
		(a) =>
			Promise.all(
				(window as unknown as { pcs: RTCPeerConnection[] }).pcs.map((pc, i) => pc.setRemoteDescription(a[i])),
			),
		relayed(answers, 'a'),
	);
	await Promise.all(
		[rx, tx].map((p) => p.page.evaluate(() => (window as unknown as { opened: Promise<unknown> }).opened)),
	);
}

export interface BareOptions {
	/** The receiver batches 4 MiB writes to OPFS (in arrival order), else it only counts. */
	write: boolean;
	/** Peer connections to stripe the file over, 256 KiB messages to whichever has room; 1 by default. */
	connections?: number;
	/** One flow of an impaired-network relay per connection (they share its bottleneck). */
	flows?: RelayFlow[];
	/** Profile where both browsers spend CPU during the transfer. */
	profileCpu?: boolean;
}

/** The same file over bare channels, timed from the first send to the receiver having every byte (and written it). */
export function bareTransfer(origin: string, path: string, size: number, options: BareOptions): Promise<Run> {
	const connections = options.flows?.length ?? options.connections ?? 1;
	return withPeers(origin, async (rx, tx) => {
		await Promise.all([rx.page.goto(`${origin}/`), tx.page.goto(`${origin}/`)]);
		await bareChannels(rx, tx, connections, options.flows);
		const { rttMs } = await selectedRoute(tx.page);
		await rx.page.evaluate(
			async ({ size, write }) => {
				const w = window as unknown as { dcs: RTCDataChannel[]; finished: Promise<void> };
				const root = await navigator.storage.getDirectory();
				const writable = write
					? await (await root.getFileHandle('bare.bin', { create: true })).createWritable()
					: null;
				let received = 0;
				let batch: Uint8Array[] = [];
				let batched = 0;
				let writes = Promise.resolve();
				w.finished = new Promise((resolve) => {
					const arrived = (event: MessageEvent) => {
						const data = new Uint8Array(event.data as ArrayBuffer);
						received += data.byteLength;
						if (writable) {
							batch.push(data);
							batched += data.byteLength;
							if (batched >= 4 * 2 ** 20 || received === size) {
								const joined = new Uint8Array(batched);
								let at = 0;
								for (const piece of batch) {
									joined.set(piece, at);
									at += piece.byteLength;
								}
								batch = [];
								batched = 0;
								writes = writes.then(() => writable.write(joined));
							}
						}
						if (received === size) void writes.then(() => writable?.close()).then(() => resolve());
					};
					for (const dc of w.dcs) dc.addEventListener('message', arrived);
				});
			},
			{ size, write: options.write },
		);
		const input = await tx.page.evaluateHandle(() => {
			const element = document.createElement('input');
			element.type = 'file';
			document.body.append(element);
			return element;
		});
		await input.asElement()!.setInputFiles(path);
		const memory = sampleMemory(rx, tx);
		const cpu = options.profileCpu ? await startCpuProfile(rx, tx) : null;
		const started = performance.now();
		await tx.page.evaluate(async () => {
			const { dcs } = window as unknown as { dcs: RTCDataChannel[] };
			const file = (document.querySelector('body > input[type=file]') as HTMLInputElement).files![0];
			for (const dc of dcs) dc.bufferedAmountLowThreshold = 2 ** 20;
			const roomy = async () => {
				for (;;) {
					const least = dcs.reduce((a, b) => (b.bufferedAmount < a.bufferedAmount ? b : a));
					if (least.bufferedAmount <= 4 * 2 ** 20) return least;
					await Promise.race(
						dcs.map(
							(dc) =>
								new Promise((resolve) => dc.addEventListener('bufferedamountlow', resolve, { once: true })),
						),
					);
				}
			};
			for (let offset = 0; offset < file.size; offset += 4 * 2 ** 20) {
				const slice = new Uint8Array(await file.slice(offset, offset + 4 * 2 ** 20).arrayBuffer());
				for (let at = 0; at < slice.byteLength; at += 256 * 1024) {
					(await roomy()).send(slice.subarray(at, at + 256 * 1024));
				}
			}
		});
		await rx.page.evaluate(() => (window as unknown as { finished: Promise<void> }).finished);
		const ms = performance.now() - started;
		return { ms, rttMs, cpu: await cpu?.stop(), ...(await memory.stop()) };
	});
}
