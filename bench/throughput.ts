// Throughput and memory of the real app against a bare RTCDataChannel on the same machine and bytes:
// the bare sender pushes 256 KiB messages; its receiver either writes 4 MiB batches to OPFS or only counts.
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
import { browserMemory } from './process-memory.ts';

export interface Memory {
	receiverHeap: number;
	senderHeap: number;
	receiverPss: number;
	senderPss: number;
}

export interface Run extends Memory {
	ms: number;
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
	try {
		return await run(rx, tx);
	} finally {
		await rx.close();
		await tx.close();
	}
}

/** One file through the real app: QR pairing, accept, save to OPFS; timed from Accept to the receiver's "done". */
export function appTransfer(origin: string, path: string): Promise<Run> {
	return withPeers(origin, async (rx, tx) => {
		await openApp(tx.page, await showCode(rx, origin));
		await connected(tx, 30_000);
		await sendFiles(tx, [path]);
		const incoming = rx.page.locator('[data-testid="transfer"][data-status="incoming"]');
		await incoming.waitFor({ timeout: 60_000 });
		const memory = sampleMemory(rx, tx);
		const started = performance.now();
		await incoming.getByRole('button', { name: 'Accept and save' }).click();
		await waitForStatus(rx, 'done', 30 * 60_000);
		const ms = performance.now() - started;
		return { ms, ...(await memory.stop()) };
	});
}

/** Connects two pages with a plain negotiated DataChannel; SDP goes through this process, not a server. */
async function bareChannel(rx: Peer, tx: Peer): Promise<void> {
	const setup = async (offer: RTCSessionDescriptionInit | null) => {
		const w = window as unknown as { pc: RTCPeerConnection; dc: RTCDataChannel };
		w.pc = new RTCPeerConnection();
		w.dc = w.pc.createDataChannel('bare', { negotiated: true, id: 0 });
		w.dc.binaryType = 'arraybuffer';
		const opened = new Promise((resolve) => w.dc.addEventListener('open', resolve, { once: true }));
		(window as unknown as { opened: Promise<unknown> }).opened = opened;
		if (offer) await w.pc.setRemoteDescription(offer);
		await w.pc.setLocalDescription();
		await new Promise<void>((resolve) => {
			if (w.pc.iceGatheringState === 'complete') resolve();
			w.pc.addEventListener(
				'icegatheringstatechange',
				() => w.pc.iceGatheringState === 'complete' && resolve(),
			);
		});
		return w.pc.localDescription!.toJSON() as RTCSessionDescriptionInit;
	};
	const offer = await tx.page.evaluate(setup, null);
	const answer = await rx.page.evaluate(setup, offer);
	await tx.page.evaluate(
		(a) => (window as unknown as { pc: RTCPeerConnection }).pc.setRemoteDescription(a),
		answer,
	);
	await Promise.all(
		[rx, tx].map((p) => p.page.evaluate(() => (window as unknown as { opened: Promise<unknown> }).opened)),
	);
}

/** The same file over a bare channel; `write` makes the receiver batch 4 MiB writes to OPFS, else it only counts. */
export function bareTransfer(origin: string, path: string, size: number, write: boolean): Promise<Run> {
	return withPeers(origin, async (rx, tx) => {
		await Promise.all([rx.page.goto(`${origin}/`), tx.page.goto(`${origin}/`)]);
		await bareChannel(rx, tx);
		await rx.page.evaluate(
			async ({ size, write }) => {
				const w = window as unknown as { dc: RTCDataChannel; finished: Promise<void> };
				const root = await navigator.storage.getDirectory();
				const writable = write
					? await (await root.getFileHandle('bare.bin', { create: true })).createWritable()
					: null;
				let received = 0;
				let batch: Uint8Array[] = [];
				let batched = 0;
				let writes = Promise.resolve();
				w.finished = new Promise((resolve) => {
					w.dc.addEventListener('message', (event) => {
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
					});
				});
			},
			{ size, write },
		);
		const input = await tx.page.evaluateHandle(() => {
			const element = document.createElement('input');
			element.type = 'file';
			document.body.append(element);
			return element;
		});
		await input.asElement()!.setInputFiles(path);
		const memory = sampleMemory(rx, tx);
		const started = performance.now();
		await tx.page.evaluate(async () => {
			const w = window as unknown as { dc: RTCDataChannel };
			const file = (document.querySelector('body > input[type=file]') as HTMLInputElement).files![0];
			w.dc.bufferedAmountLowThreshold = 2 ** 20;
			for (let offset = 0; offset < file.size; offset += 4 * 2 ** 20) {
				const slice = new Uint8Array(await file.slice(offset, offset + 4 * 2 ** 20).arrayBuffer());
				for (let at = 0; at < slice.byteLength; at += 256 * 1024) {
					while (w.dc.bufferedAmount > 4 * 2 ** 20) {
						await new Promise((resolve) =>
							w.dc.addEventListener('bufferedamountlow', resolve, { once: true }),
						);
					}
					w.dc.send(slice.subarray(at, at + 256 * 1024));
				}
			}
		});
		await rx.page.evaluate(() => (window as unknown as { finished: Promise<void> }).finished);
		const ms = performance.now() - started;
		return { ms, ...(await memory.stop()) };
	});
}
