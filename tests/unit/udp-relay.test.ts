import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { PROFILES, startUdpRelay, type Impairment, type UdpRelay } from '../harness/udp-relay';

const CLEAN: Impairment = { rttMs: 0, jitterMs: 0, lossPct: 0, rateMbps: 0 };

interface Endpoint {
	socket: Socket;
	port: number;
	/** Every datagram heard so far, with when it arrived (performance.now()). */
	heard: { data: Buffer; at: number }[];
}

const opened: { relays: UdpRelay[]; sockets: Socket[] } = { relays: [], sockets: [] };

afterEach(async () => {
	for (const relay of opened.relays.splice(0)) await relay.close();
	for (const socket of opened.sockets.splice(0)) socket.close();
});

async function endpoint(): Promise<Endpoint> {
	// The relay sends a batch at once: a small receive buffer would drop datagrams the relay did not.
	const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 2 ** 20 });
	opened.sockets.push(socket);
	const heard: Endpoint['heard'] = [];
	socket.on('message', (data) => heard.push({ data, at: performance.now() }));
	await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
	return { socket, port: socket.address().port, heard };
}

/** A relay with both peers connected: `a` and `b` send to it and hear each other through it. */
async function pair(impairment: Impairment) {
	const relay = await startUdpRelay(impairment);
	opened.relays.push(relay);
	const a = await endpoint();
	const b = await endpoint();
	relay.connect('a', a.port);
	relay.connect('b', b.port);
	const send = (from: Endpoint, data: Buffer) =>
		from.socket.send(data, relay.port(from === a ? 'a' : 'b'), '127.0.0.1');
	return { relay, a, b, send };
}

const numbered = (i: number, size = 100) =>
	Buffer.alloc(size, 0)
		.fill(i % 256, 0, 1)
		.fill(i >> 8, 1, 2);
const numberOf = (data: Buffer) => data[0] + (data[1] << 8);

/** Datagrams in flight at once: a default socket buffer (208 KiB, ~2.3 KiB per 1000-byte datagram) holds them. */
const BURST = 32;

/**
 * Sends `count` numbered datagrams, BURST at a time, each burst once `through()` (what got past the hop
 * the test must not overflow) has caught up: the kernel would drop what its socket buffers cannot hold,
 * and `net.core.rmem_max` caps them at 208 KiB on a default machine.
 */
async function sendMany(
	send: (data: Buffer) => void,
	count: number,
	through: () => number,
	size = 100,
): Promise<void> {
	for (let i = 0; i < count; i++) {
		send(numbered(i, size));
		if ((i + 1) % BURST === 0 || i + 1 === count) {
			const deadline = performance.now() + 5_000;
			while (through() < i + 1) {
				if (performance.now() > deadline)
					throw new Error(`only ${through()} of ${i + 1} datagrams got through`);
				await new Promise((resolve) => setTimeout(resolve, 1));
			}
		}
	}
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('UDP relay', () => {
	it('forwards both ways, unchanged and in order, and counts what it carried', async () => {
		const { relay, a, b, send } = await pair(CLEAN);
		await sendMany(
			(d) => send(a, d),
			500,
			() => relay.stats().ab.packets,
		);
		await sendMany(
			(d) => send(b, d),
			300,
			() => relay.stats().ba.packets,
		);
		await expect.poll(() => [b.heard.length, a.heard.length]).toEqual([500, 300]);
		expect(b.heard.map((h) => numberOf(h.data))).toEqual([...Array(500).keys()]);
		expect(a.heard.map((h) => numberOf(h.data))).toEqual([...Array(300).keys()]);
		const { ab, ba } = relay.stats();
		expect([ab.packets, ab.forwardedBytes, ba.packets, ba.forwardedBytes]).toEqual([
			500,
			500 * 100,
			300,
			300 * 100,
		]);
	});

	it('delays each direction by half the round trip, never less', async () => {
		const { a, b, send } = await pair({ ...CLEAN, rttMs: 200 });
		for (const [from, to] of [
			[a, b],
			[b, a],
		]) {
			const sent = performance.now();
			send(from, numbered(1));
			await expect.poll(() => to.heard.length).toBe(1);
			// Timers fire late more often than early; the relay may send half a millisecond early at most.
			expect(to.heard[0].at - sent).toBeGreaterThanOrEqual(99);
			expect(to.heard[0].at - sent).toBeLessThan(1_000);
		}
	});

	it('jitters without reordering', async () => {
		const { b, send, a } = await pair({ ...CLEAN, rttMs: 20, jitterMs: 8 });
		// Paced by what b heard: the relay sends all that is due at once, which b's buffer must hold.
		await sendMany(
			(d) => send(a, d),
			1000,
			() => b.heard.length,
		);
		await expect.poll(() => b.heard.length).toBe(1000);
		expect(b.heard.map((h) => numberOf(h.data))).toEqual([...Array(1000).keys()]);
	});

	it('loses about the share it is told to, each direction on its own', async () => {
		const { relay, a, b, send } = await pair({ ...CLEAN, lossPct: 10 });
		await sendMany(
			(d) => send(a, d),
			4000,
			() => relay.stats().ab.packets,
		);
		await sendMany(
			(d) => send(b, d),
			4000,
			() => relay.stats().ba.packets,
		);
		await expect.poll(() => relay.stats().ab.packets + relay.stats().ba.packets).toBe(8000);
		await settle(50);
		const { ab, ba } = relay.stats();
		for (const [direction, heard] of [
			[ab, b.heard.length],
			[ba, a.heard.length],
		] as const) {
			expect(direction.lost + heard).toBe(4000);
			// 400 expected; the binomial's standard deviation is 19, so this never fails by chance.
			expect(direction.lost).toBeGreaterThan(300);
			expect(direction.lost).toBeLessThan(500);
		}
	});

	it('loses the same datagrams for the same seed, others for another', async () => {
		const lostOnes = async (seed: number) => {
			const { b, send, a, relay } = await pair({ ...CLEAN, lossPct: 20, jitterMs: 3, seed });
			await sendMany(
				(d) => send(a, d),
				1000,
				() => relay.stats().ab.packets,
			);
			await expect.poll(() => relay.stats().ab.packets).toBe(1000);
			await settle(50);
			const arrived = new Set(b.heard.map((h) => numberOf(h.data)));
			return [...Array(1000).keys()].filter((i) => !arrived.has(i));
		};
		const first = await lostOnes(7);
		expect(first.length).toBeGreaterThan(100);
		expect(await lostOnes(7)).toEqual(first);
		expect(await lostOnes(8)).not.toEqual(first);
	});

	it('caps the rate with a token bucket and drops what overflows its queue, like a router', async () => {
		// 8 Mbit/s is 1 MB/s: 64 KiB queue, 16 KiB burst; 2 MB offered at once mostly overflows.
		const { relay, a, b, send } = await pair({
			...CLEAN,
			rateMbps: 8,
			queueBytes: 64 * 1024,
			burstBytes: 16 * 1024,
		});
		const started = performance.now();
		await sendMany(
			(d) => send(a, d),
			2000,
			() => relay.stats().ab.packets,
			1000,
		);
		await expect.poll(() => relay.stats().ab.packets).toBe(2000);
		const arrived = performance.now();
		const settled = () => relay.stats().ab.overflowed + relay.stats().ab.forwardedPackets;
		await expect.poll(settled, { timeout: 5_000 }).toBe(2000);
		const { ab } = relay.stats();
		await expect.poll(() => b.heard.length).toBe(ab.forwardedPackets);
		// What fits: the burst, the queue, and what the rate drains while the datagrams arrive.
		const drained = (arrived - started) * 1000;
		expect(ab.forwardedBytes).toBeGreaterThan(64 * 1024);
		expect(ab.forwardedBytes).toBeLessThanOrEqual(16 * 1024 + 64 * 1024 + drained + 1000);
		// Never faster than the rate after the burst, however fast the machine.
		expect(b.heard.at(-1)!.at - started).toBeGreaterThanOrEqual(
			(ab.forwardedBytes - 16 * 1024 - 1000) / 1000,
		);
	});

	it('paces a steady stream at the cap in both directions', async () => {
		const { relay, a, b, send } = await pair({ ...CLEAN, rateMbps: 4, queueBytes: 1 << 20 });
		// 300 KB each way into a 1 MiB queue: nothing drops, and 0.5 MB/s takes at least ~0.55 s.
		const started = performance.now();
		await Promise.all([
			sendMany(
				(d) => send(a, d),
				300,
				() => relay.stats().ab.packets,
				1000,
			),
			sendMany(
				(d) => send(b, d),
				300,
				() => relay.stats().ba.packets,
				1000,
			),
		]);
		await expect.poll(() => [b.heard.length, a.heard.length], { timeout: 5_000 }).toEqual([300, 300]);
		const { ab, ba } = relay.stats();
		expect(ab.overflowed + ba.overflowed).toBe(0);
		for (const to of [a, b]) expect(to.heard.at(-1)!.at - started).toBeGreaterThan(500);
	});

	it('carries several flows (peer connections) to their own peers through one shared bottleneck', async () => {
		const { relay, a, b, send } = await pair({ ...CLEAN, rateMbps: 4, queueBytes: 1 << 20 });
		const second = await relay.flow();
		const [c, d] = [await endpoint(), await endpoint()];
		second.connect('a', c.port);
		second.connect('b', d.port);
		const started = performance.now();
		// 150 KB on each flow: at 0.5 MB/s the pair needs ~0.6 s together, where one flow alone needs ~0.3 s.
		await Promise.all([
			sendMany(
				(data) => send(a, data),
				150,
				() => relay.stats().ab.packets,
				1000,
			),
			sendMany(
				(data) => c.socket.send(data.fill(7, 2, 3), second.port('a'), '127.0.0.1'),
				150,
				() => relay.stats().ab.packets - 150,
				1000,
			),
		]);
		await expect.poll(() => [b.heard.length, d.heard.length], { timeout: 5_000 }).toEqual([150, 150]);
		expect(b.heard.every(({ data }) => data[2] === 0)).toBe(true);
		expect(d.heard.every(({ data }) => data[2] === 7)).toBe(true);
		expect(relay.stats().ab.forwardedPackets).toBe(300);
		const last = Math.max(b.heard.at(-1)!.at, d.heard.at(-1)!.at);
		expect(last - started).toBeGreaterThan(500);
	});

	it('drops datagrams for a peer whose address it does not know yet, and counts them', async () => {
		const relay = await startUdpRelay(CLEAN);
		opened.relays.push(relay);
		const a = await endpoint();
		a.socket.send(numbered(1), relay.port('a'), '127.0.0.1');
		await expect.poll(() => relay.stats().ab.unrouted).toBe(1);
	});

	it('names the three profiles of issue 14', () => {
		expect(Object.entries(PROFILES).map(([name, p]) => [name, p.rttMs, p.lossPct, p.rateMbps])).toEqual([
			['lan', 5, 0.1, 200],
			['broadband', 40, 0.5, 50],
			['far', 150, 1, 20],
		]);
	});
});
