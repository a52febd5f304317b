// An impaired network in userspace (no netem here): loss, token bucket, drop-tail queue, delay and jitter are
// computed on arrival into one FIFO per direction, flushed in batches by one timer, so no timer per datagram.
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './seeded-random.ts';

/** Which peer a socket faces: `a` sends into the socket facing `a`, and hears from it what `b` sent. */
export type Side = 'a' | 'b';

export interface Impairment {
	/** Round trip the delay adds, in ms: each direction delays by half of it (minus half the jitter). */
	rttMs: number;
	/** Each datagram's delay varies by up to this many ms, but never passes the datagram before it. */
	jitterMs: number;
	/** Share of datagrams lost at random, in percent, drawn independently in each direction. */
	lossPct: number;
	/** Bottleneck rate in Mbit/s (10^6 bits), each direction; 0 for none. */
	rateMbps: number;
	/** Bytes the bottleneck may hold back before it drops arriving datagrams (drop-tail); 256 KiB by default. */
	queueBytes?: number;
	/** Bytes the token bucket lets through at once after an idle spell; 2 ms at the rate (≥ 16 KiB) by default. */
	burstBytes?: number;
	/** Seeds the loss and jitter draws, so the same datagrams meet the same fate in every run. */
	seed?: number;
}

const profile = (rttMs: number, jitterMs: number, lossPct: number, rateMbps: number): Impairment => ({
	rttMs,
	jitterMs,
	lossPct,
	rateMbps,
	// A buffer of one bandwidth-delay product, the classic router sizing, and never under 64 KiB.
	queueBytes: Math.max(64 * 1024, ((rateMbps * 1e6) / 8) * (rttMs / 1000)),
});

/** The networks issue 14 measures on: Wi-Fi on one LAN, home broadband, and a far-away peer. */
export const PROFILES = {
	lan: profile(5, 0.5, 0.1, 200),
	broadband: profile(40, 2, 0.5, 50),
	far: profile(150, 5, 1, 20),
} satisfies Record<string, Impairment>;

export type ProfileName = keyof typeof PROFILES;

export interface DirectionStats {
	/** Datagrams (and their bytes) that arrived at the relay going this way. */
	packets: number;
	bytes: number;
	/** Datagrams (and bytes) sent on to the other peer. */
	forwardedPackets: number;
	forwardedBytes: number;
	/** Dropped at random (`lossPct`), by a full bottleneck queue, or as the other peer's address is unknown. */
	lost: number;
	overflowed: number;
	unrouted: number;
}

/** Where a datagram leaves from and goes to: the relay socket facing the receiving peer, and that peer. */
interface Route {
	out: Socket;
	target: () => AddressInfo | undefined;
}

interface Queued {
	due: number;
	data: Buffer;
	route: Route;
}

/** How early a batch may send a datagram: timers fire on whole milliseconds, late more often than early. */
const EARLY_MS = 0.5;

/**
 * One way through the relay, shared by every flow (peer-connection pair) that crosses it: one bottleneck,
 * one queue and one sequence of loss draws, as several connections over one path share them.
 */
class Direction {
	readonly stats: DirectionStats = {
		packets: 0,
		bytes: 0,
		forwardedPackets: 0,
		forwardedBytes: 0,
		lost: 0,
		overflowed: 0,
		unrouted: 0,
	};
	private readonly queue: Queued[] = [];
	private head = 0;
	private timer: NodeJS.Timeout | undefined;
	/**
	 * When the bottleneck finishes sending what it has taken: a datagram leaves then. After an idle spell it
	 * starts up to a burst's worth of time in the past, which is the token bucket's depth.
	 */
	private busyUntil = 0;
	private lastDue = 0;
	private readonly random: () => number;
	private readonly bytesPerMs: number;
	private readonly burstMs: number;
	private readonly queueBytes: number;
	private readonly oneWayMs: number;
	private readonly impairment: Impairment;

	constructor(impairment: Impairment, seed: number) {
		this.impairment = impairment;
		this.random = seededRandom(seed);
		this.bytesPerMs = (impairment.rateMbps * 1e6) / 8 / 1000;
		const burst = impairment.burstBytes ?? Math.max(16 * 1024, this.bytesPerMs * 2);
		this.burstMs = this.bytesPerMs > 0 ? burst / this.bytesPerMs : 0;
		this.queueBytes = impairment.queueBytes ?? 256 * 1024;
		this.oneWayMs = Math.max(0, impairment.rttMs / 2 - impairment.jitterMs / 2);
	}

	arrive(data: Buffer, now: number, route: Route): void {
		this.stats.packets += 1;
		this.stats.bytes += data.byteLength;
		// Both draws happen for every datagram, so a seed gives the same fates whatever the rate does.
		const lose = this.random() * 100 < this.impairment.lossPct;
		const jitter = this.random() * this.impairment.jitterMs;
		if (lose) {
			this.stats.lost += 1;
			return;
		}
		let leaves = now;
		if (this.bytesPerMs > 0) {
			const start = Math.max(this.busyUntil, now - this.burstMs);
			const queued = Math.max(0, (start - now) * this.bytesPerMs);
			if (queued + data.byteLength > this.queueBytes) {
				this.stats.overflowed += 1;
				return;
			}
			this.busyUntil = start + data.byteLength / this.bytesPerMs;
			leaves = Math.max(now, this.busyUntil);
		}
		this.lastDue = Math.max(this.lastDue, leaves + this.oneWayMs + jitter);
		this.queue.push({ due: this.lastDue, data, route });
		this.timer ??= setTimeout(() => this.flush(), this.lastDue - now);
	}

	private flush(): void {
		this.timer = undefined;
		const now = performance.now();
		while (this.head < this.queue.length && this.queue[this.head].due <= now + EARLY_MS) {
			const { data, route } = this.queue[this.head++];
			const to = route.target();
			if (!to) this.stats.unrouted += 1;
			else {
				route.out.send(data, to.port, to.address);
				this.stats.forwardedPackets += 1;
				this.stats.forwardedBytes += data.byteLength;
			}
		}
		if (this.head === this.queue.length) {
			this.queue.length = 0;
			this.head = 0;
		} else {
			if (this.head > 4096) {
				this.queue.splice(0, this.head);
				this.head = 0;
			}
			this.timer = setTimeout(() => this.flush(), this.queue[this.head].due - now);
		}
	}

	stop(): void {
		clearTimeout(this.timer);
		this.queue.length = 0;
		this.head = 0;
	}
}

/** One pair of peer endpoints through the relay: a peer connection's datagrams, both ways. */
export interface RelayFlow {
	/** The port on 127.0.0.1 that peer `side` sends to (the other peer's address, as `side` sees it). */
	port(side: Side): number;
	/** Where peer `side` really listens: datagrams for it leave from the socket facing it to there. */
	connect(side: Side, port: number, address?: string): void;
}

/** The relay is its first flow; `flow()` adds another that shares its impairment (several peer connections). */
export interface UdpRelay extends RelayFlow {
	flow(): Promise<RelayFlow>;
	/** Counters per direction over all flows: `ab` carries what `a` sent to `b`. */
	stats(): { ab: DirectionStats; ba: DirectionStats };
	close(): Promise<void>;
}

async function bind(): Promise<Socket> {
	// As large as Linux allows by default (rmem_max): a batch or a stalled event loop must not overflow them.
	const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 2 ** 20, sendBufferSize: 4 * 2 ** 20 });
	await new Promise<void>((resolve, reject) => {
		socket.once('error', reject);
		socket.bind(0, '127.0.0.1', () => {
			socket.off('error', reject);
			resolve();
		});
	});
	return socket;
}

/** Starts a relay between two peers with `impairment` in both directions (`PROFILES` has named ones). */
export async function startUdpRelay(impairment: Impairment): Promise<UdpRelay> {
	const seed = impairment.seed ?? 1;
	const ab = new Direction(impairment, seed);
	const ba = new Direction(impairment, seed ^ 0x5bd1e995);
	const sockets: Socket[] = [];
	const flow = async (): Promise<RelayFlow> => {
		const facing = { a: await bind(), b: await bind() };
		sockets.push(facing.a, facing.b);
		const targets: Partial<Record<Side, AddressInfo>> = {};
		const toB: Route = { out: facing.b, target: () => targets.b };
		const toA: Route = { out: facing.a, target: () => targets.a };
		facing.a.on('message', (data) => ab.arrive(data, performance.now(), toB));
		facing.b.on('message', (data) => ba.arrive(data, performance.now(), toA));
		return {
			port: (side) => facing[side].address().port,
			connect(side, port, address = '127.0.0.1') {
				targets[side] = { port, address, family: 'IPv4' };
			},
		};
	};
	const first = await flow();
	return {
		...first,
		flow,
		stats: () => ({ ab: { ...ab.stats }, ba: { ...ba.stats } }),
		async close() {
			ab.stop();
			ba.stop();
			await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
		},
	};
}
