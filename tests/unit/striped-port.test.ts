import { describe, expect, it } from 'vitest';
import { ChannelClosedError, type FramePort, type PortListener } from '../../src/lib/transfer/channel';
import { MAX_CREDIT_WINDOW_BYTES } from '../../src/lib/transfer/credit';
import { MAX_QUEUE_BYTES } from '../../src/lib/transfer/queue-target';
import {
	MAX_AHEAD_BYTES,
	STRIPE_HEADER_BYTES,
	StripedPort,
	stripedMessageSize,
} from '../../src/lib/transfer/striped-port';
import { MAX_LANES } from '../../src/lib/protocol/signaling';
import { MemoryPair, type MemoryPort } from '../harness/memory-channel';
import { KIND_AT } from '../harness/page-instruments';
import { APP_LANES } from '../harness/relayed-signaling';
import { MemoryTarget, patternSha256, patternSource } from '../harness/memory-files';
import { MiB, Pairing, until } from './engine/peers';

const lane = (port: MemoryPort) => ({ port, buffered: () => port.buffered });

/** Lanes of memory pairs striped on both ends: `a` sends, `b` receives. */
function striped(count: number) {
	const pairs = Array.from({ length: count }, () => new MemoryPair());
	const a = new StripedPort(lane(pairs[0].a));
	const b = new StripedPort(lane(pairs[0].b));
	for (const pair of pairs.slice(1)) {
		a.add(lane(pair.a));
		b.add(lane(pair.b));
	}
	return { pairs, a, b };
}

/** Every frame `pair` carries from a to b arrives `turns` event-loop turns late, still in order. */
function lag(pair: MemoryPair, turns: number): void {
	pair.tap = (frame) => {
		const later = (left: number) =>
			left === 0 ? pair.b.receive(frame) : setImmediate(() => later(left - 1));
		later(turns);
		return [];
	};
}

function listen(port: FramePort) {
	const heard: number[] = [];
	let closed = false;
	let refused: string | null = null;
	port.listen({
		message: (data) => heard.push(new Uint8Array(data)[0]),
		close: () => (closed = true),
		broken: (reason) => (refused = reason),
	});
	return { heard, closed: () => closed, refused: () => refused };
}

/** A frame of `size` bytes filled with `n`, made with the striped port's headroom in front, as the hub makes them. */
const frame = (n: number, size = 100) => new Uint8Array(STRIPE_HEADER_BYTES + size).fill(n);

/** A port whose incoming frames the test writes by hand, as a broken or hostile peer would send them. */
class HandPort implements FramePort {
	open = true;
	roundTripMs: number | null = null;
	readonly headroom = 0;
	listener: PortListener | null = null;
	ready = () => Promise.resolve();
	send: (frame: Uint8Array<ArrayBuffer>) => void = () => {};
	listen(listener: PortListener): void {
		this.listener = listener;
	}
	deliver(sequence: number, body: Uint8Array): void {
		const data = new Uint8Array(STRIPE_HEADER_BYTES + body.byteLength);
		new DataView(data.buffer).setUint32(0, sequence);
		data.set(body, STRIPE_HEADER_BYTES);
		this.listener?.message(data);
	}
}

describe('StripedPort', () => {
	it('delivers frames in the order they were sent when a lane lags behind the others', async () => {
		const { pairs, a, b } = striped(3);
		lag(pairs[1], 40);
		const got = listen(b);
		for (let n = 0; n < 60; n++) {
			await a.ready();
			a.send(frame(n));
		}
		await until(() => got.heard.length === 60, 'all 60 frames');
		expect(got.heard).toEqual(Array.from({ length: 60 }, (_, n) => n));
		// The lagging lane carried its share, so the order was restored, not merely kept.
		expect(b.reordering).toBe(0);
		expect(pairs[0].count + pairs[2].count).toBeLessThan(60);
	});

	it('writes its sequence number into the room the frame was made with, and sends that very frame', () => {
		const hand = new HandPort();
		const sent: Uint8Array[] = [];
		hand.send = (data) => void sent.push(data);
		const port = new StripedPort({ port: hand, buffered: () => 0 });
		expect(port.headroom).toBe(STRIPE_HEADER_BYTES);
		const frames = [frame(7), frame(8)];
		for (const f of frames) port.send(f);
		expect(sent[0]).toBe(frames[0]);
		expect([...sent[0].subarray(0, 5)]).toEqual([0, 0, 0, 0, 7]);
		expect([...sent[1].subarray(0, 5)]).toEqual([0, 0, 0, 1, 8]);
	});

	it('sends on the lane with the least queued, so every lane carries a share', async () => {
		const { pairs, a, b } = striped(4);
		listen(b);
		for (let n = 0; n < 40; n++) a.send(frame(n, 64 * 1024));
		await until(() => pairs.every((pair) => pair.inFlight === 0), 'the lanes to drain');
		expect(pairs.map((pair) => pair.count)).toEqual([10, 10, 10, 10]);
	});

	it('holds frames that arrive before anyone listens, and hands them over in order', async () => {
		const { pairs, a, b } = striped(2);
		for (let n = 0; n < 6; n++) a.send(frame(n));
		await until(() => pairs[0].count + pairs[1].count === 6, 'the frames to arrive');
		const got = listen(b);
		await until(() => got.heard.length === 6, 'the early frames');
		expect(got.heard).toEqual([0, 1, 2, 3, 4, 5]);
	});

	it('closes as a whole when any one lane closes, and then refuses to send', async () => {
		const { pairs, a, b } = striped(3);
		const sending = listen(a);
		const receiving = listen(b);
		pairs[2].close();
		await until(() => sending.closed() && receiving.closed(), 'both ends to close');
		expect(a.open).toBe(false);
		await expect(a.ready()).rejects.toBeInstanceOf(ChannelClosedError);
	});

	it.each([
		['a frame from the past', 'a frame it had already sent', (port: HandPort) => port.deliver(0, frame(0))],
		[
			'the same frame twice',
			'a frame it had already sent',
			(port: HandPort) => (port.deliver(2, frame(2)), port.deliver(2, frame(2))),
		],
		[
			'a frame without a sequence number',
			'a frame without its sequence number',
			(port: HandPort) => port.listener?.message(new Uint8Array(3)),
		],
	])('refuses %s as broken: reliable lanes cannot bring one', (_, reason, broken) => {
		const hand = new HandPort();
		const port = new StripedPort({ port: hand, buffered: () => 0 });
		const got = listen(port);
		hand.deliver(0, frame(7));
		expect(got.refused()).toBe(null);
		broken(hand);
		expect(got.refused()).toBe(reason);
		expect(got.closed()).toBe(false);
		expect(port.open).toBe(false);
		expect(got.heard).toEqual([7]);
	});

	it('reports the slowest lane’s round trip, or none until a lane has measured one', () => {
		const hands = [new HandPort(), new HandPort(), new HandPort()];
		const port = new StripedPort({ port: hands[0], buffered: () => 0 });
		for (const hand of hands.slice(1)) port.add({ port: hand, buffered: () => 0 });
		expect(port.roundTripMs).toBe(null);
		hands[1].roundTripMs = 40;
		hands[2].roundTripMs = 150;
		expect(port.roundTripMs).toBe(150);
	});

	it('says which lanes it carries frames on, so only losing one of those breaks the link', () => {
		const [first, second, other] = [new HandPort(), new HandPort(), new HandPort()].map((port) => ({
			port,
			buffered: () => 0,
		}));
		const port = new StripedPort(first);
		port.add(second);
		expect([port.carries(first), port.carries(second), port.carries(other)]).toEqual([true, true, false]);
	});

	it('refuses to hold more than a sender may have in flight (80 MiB) waiting for a gap to fill', async () => {
		expect(MAX_AHEAD_BYTES).toBe(MAX_CREDIT_WINDOW_BYTES + MAX_LANES * MAX_QUEUE_BYTES);
		const hand = new HandPort();
		const port = new StripedPort({ port: hand, buffered: () => 0 });
		const got = listen(port);
		let held = 0;
		for (let sequence = 1; sequence <= 400 && got.refused() === null; sequence++) {
			hand.deliver(sequence, new Uint8Array(256 * 1024));
			held += 256 * 1024;
			await Promise.resolve();
		}
		expect(held).toBeGreaterThan(MAX_AHEAD_BYTES);
		expect(held).toBeLessThanOrEqual(MAX_AHEAD_BYTES + 256 * 1024);
		expect(got.refused()).toBe('more data than it may have in flight past a frame that never came');
		expect(port.reordering).toBe(0);
		expect(got.heard).toEqual([]);
	});

	it('tells a listener that comes late that the peer broke it', async () => {
		const hand = new HandPort();
		const port = new StripedPort({ port: hand, buffered: () => 0 });
		hand.listener?.message(new Uint8Array(1));
		const got = listen(port);
		await Promise.resolve();
		expect(got.refused()).toBe('a frame without its sequence number');
		expect(got.closed()).toBe(false);
	});

	it('is read by the test harness where the app writes it', () => {
		expect(KIND_AT).toBe(STRIPE_HEADER_BYTES);
		expect(APP_LANES).toBe(MAX_LANES);
	});

	it('leaves room for its sequence number in a lane message, never beyond what every browser accepts', () => {
		expect(stripedMessageSize(262_144)).toBe(262_144 - STRIPE_HEADER_BYTES);
		expect(stripedMessageSize(1_073_741_823)).toBe(262_144 - STRIPE_HEADER_BYTES);
		expect(stripedMessageSize(65_536)).toBe(65_536 - STRIPE_HEADER_BYTES);
		expect(stripedMessageSize(0)).toBe(262_144 - STRIPE_HEADER_BYTES);
	});
});

describe('the transfer engine over striped lanes', () => {
	/** Joins the pairing's hubs by `count` lanes, the second lagging; returns the lanes. */
	function connectStriped(peers: Pairing, count: number): MemoryPair[] {
		const { pairs, a, b } = striped(count);
		lag(pairs[1], 25);
		const size = stripedMessageSize(256 * 1024);
		peers.sender.hub.attach(a, size);
		peers.receiver.hub.attach(b, size);
		return pairs;
	}

	it('sends files byte-identical over four lanes, one of them slow', async () => {
		const peers = new Pairing();
		peers.pair.close();
		const pairs = connectStriped(peers, 4);
		const target = new MemoryTarget();
		const sizes = [6 * MiB + 123, 0, 3 * MiB];
		await peers.transfer(
			sizes.map((size, i) => patternSource(`s${i}`, size, i + 1)),
			target,
		);
		expect(peers.incoming.status).toBe('done');
		expect(target.sinks.map((f) => f.sha256())).toEqual(sizes.map((size, i) => patternSha256(size, i + 1)));
		// Every lane carried data, the slow one included.
		for (const pair of pairs) expect(pair.a.peakBuffered).toBeGreaterThan(256 * 1024);
	});

	it('resumes on a new set of lanes after one lane of the first set closes mid-file', async () => {
		const peers = new Pairing();
		peers.pair.close();
		const first = connectStriped(peers, 3);
		const target = new MemoryTarget();
		const incoming = await peers.offer([patternSource('big', 12 * MiB, 9)]);
		await incoming.accept(target);
		await until(() => target.sinks[0]?.written > 4 * MiB, '4 MiB written');
		first[2].close();
		await until(
			() => peers.outgoing.status === 'paused' && peers.incoming.status === 'paused',
			'both to pause',
		);
		connectStriped(peers, 3);
		await peers.finished();
		expect(peers.incoming.status).toBe('done');
		expect(target.sinks[0].sha256()).toBe(patternSha256(12 * MiB, 9));
	});

	it('ends the transfers with a bad-frame error when a lane brings a frame twice, instead of pausing them', async () => {
		const peers = new Pairing();
		peers.pair.close();
		const lanes = connectStriped(peers, 2);
		const target = new MemoryTarget();
		const incoming = await peers.offer([patternSource('big', 8 * MiB, 4)]);
		await incoming.accept(target);
		await until(() => target.sinks[0]?.written > MiB, '1 MiB written');
		// Sequence number 0 went long ago: a reliable lane cannot bring it again, so the peer is broken.
		const replay = new Uint8Array(STRIPE_HEADER_BYTES + 8);
		lanes[1].a.send(replay);
		await until(() => incoming.status !== 'active', 'the lane to be refused');
		expect(incoming.status).toBe('failed');
		expect(incoming.error?.message).toMatch(
			/^The transfer stopped: the other device sent a bad frame \(.+\)\.$/,
		);
		expect(peers.receiver.broken).toHaveLength(1);
	});
});
