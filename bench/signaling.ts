// Signaling load on the local Worker: N sessions at once, each pairing two real WebSocket clients and
// relaying 50 signal frames host -> guest; pairings per second, relay latency, and frames lost (must be 0).
import WebSocket from 'ws';
import { percentile } from './stats.ts';

export interface SignalingResult {
	sessions: number;
	pairingsPerSecond: number;
	latencyP50: number;
	latencyP99: number;
	lost: number;
}

const FRAMES = 50;

function open(url: string): Promise<WebSocket> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url);
		ws.once('open', () => resolve(ws));
		ws.once('error', reject);
	});
}

function nextMessage(ws: WebSocket, type: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const onMessage = (data: WebSocket.RawData) => {
			if (JSON.parse(data.toString()).type !== type) return;
			ws.off('message', onMessage);
			resolve();
		};
		ws.on('message', onMessage);
		ws.once('close', (code) => reject(new Error(`socket closed (${code}) before ${type}`)));
	});
}

async function inBatches<T>(count: number, size: number, task: (i: number) => Promise<T>): Promise<T[]> {
	const out: T[] = [];
	for (let start = 0; start < count; start += size) {
		const batch = Array.from({ length: Math.min(size, count - start) }, (_, i) => task(start + i));
		out.push(...(await Promise.all(batch)));
	}
	return out;
}

export async function signalingLoad(origin: string, sessions: number): Promise<SignalingResult> {
	const wsOrigin = origin.replace(/^http/, 'ws');
	const started = performance.now();
	const pairs = await inBatches(sessions, 50, async () => {
		const res = await fetch(`${origin}/api/sessions`, { method: 'POST' });
		if (res.status !== 201) throw new Error(`session creation answered ${res.status}`);
		const { id, token } = (await res.json()) as { id: string; token: string };
		const host = await open(`${wsOrigin}/api/sessions/${id}/ws`);
		const hostJoined = nextMessage(host, 'joined');
		host.send(JSON.stringify({ type: 'join', token }));
		await hostJoined;
		const guest = await open(`${wsOrigin}/api/sessions/${id}/ws`);
		const peerJoined = nextMessage(host, 'peer-joined');
		const guestJoined = nextMessage(guest, 'joined');
		guest.send(JSON.stringify({ type: 'join', token }));
		await Promise.all([peerJoined, guestJoined]);
		return { host, guest };
	});
	const pairingsPerSecond = sessions / ((performance.now() - started) / 1000);

	const latencies: number[] = [];
	const done = pairs.map(
		({ guest }) =>
			new Promise<void>((resolve) => {
				let received = 0;
				const timer = setTimeout(resolve, 60_000);
				guest.on('message', (data) => {
					const frame = JSON.parse(data.toString());
					if (frame.type !== 'signal') return;
					latencies.push(performance.now() - Number(frame.data.candidate.candidate.split(' ')[1]));
					if (++received === FRAMES) {
						clearTimeout(timer);
						resolve();
					}
				});
			}),
	);
	for (const { host } of pairs) {
		for (let seq = 0; seq < FRAMES; seq++) {
			const candidate = { candidate: `${seq} ${performance.now()}`, sdpMid: '0', sdpMLineIndex: 0 };
			host.send(JSON.stringify({ type: 'signal', data: { kind: 'candidate', candidate } }));
		}
	}
	await Promise.all(done);
	for (const { host, guest } of pairs) {
		host.close(1000);
		guest.close(1000);
	}
	return {
		sessions,
		pairingsPerSecond,
		latencyP50: percentile(latencies, 50),
		latencyP99: percentile(latencies, 99),
		lost: sessions * FRAMES - latencies.length,
	};
}
