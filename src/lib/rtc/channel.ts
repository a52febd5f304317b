// Adapts an RTCDataChannel to the engine's FramePort: above the high-water mark a send waits for
// `bufferedamountlow`; the marks follow the rate the channel drains (transfer/queue-target.ts).
// It listens from the moment the channel exists: the other side may send its first frame (a resume) before
// this side has authenticated it and handed the port to the hub, and a frame nobody listens for is lost.
import { ChannelClosedError, type FramePort, type PortListener } from '../transfer/channel';
import { QueueTarget } from '../transfer/queue-target';

/**
 * Before the hub listens only control frames can rightly arrive (data needs credit that only a listening
 * side grants), a few KiB; a peer that sends more is cut off rather than buffered.
 */
const MAX_EARLY_BYTES = 4 * 1024 * 1024;
/** How often the round trip is read from the connection's stats, and only while someone asks for it. */
const ROUND_TRIP_EVERY_MS = 1000;

function drained(channel: RTCDataChannel): Promise<void> {
	return new Promise((resolve, reject) => {
		const done = () => {
			channel.removeEventListener('bufferedamountlow', done);
			channel.removeEventListener('close', closed);
			resolve();
		};
		const closed = () => {
			channel.removeEventListener('bufferedamountlow', done);
			reject(new ChannelClosedError());
		};
		channel.addEventListener('bufferedamountlow', done);
		channel.addEventListener('close', closed, { once: true });
	});
}

export class DataChannelPort implements FramePort {
	private listener: PortListener | null = null;
	private early: Uint8Array<ArrayBuffer>[] = [];
	private earlyBytes = 0;
	private readonly queue = new QueueTarget();
	/** The channel carries the frame as it is. */
	readonly headroom = 0;
	/** Bytes handed to the channel so far; less what it still buffers, what has left. */
	private sent = 0;
	private roundTrip: number | null = null;
	private roundTripAsked = Number.NEGATIVE_INFINITY;

	/** `measureRoundTrip` reads the connection's current round trip in milliseconds (null when it has none). */
	constructor(
		private readonly channel: RTCDataChannel,
		private readonly measureRoundTrip: () => Promise<number | null>,
	) {
		channel.binaryType = 'arraybuffer';
		channel.bufferedAmountLowThreshold = this.queue.lowWater;
		channel.addEventListener('message', (event) => this.arrived(new Uint8Array(event.data as ArrayBuffer)));
		channel.addEventListener('close', () => this.listener?.close());
		channel.addEventListener('open', () => this.askRoundTrip());
	}

	get open(): boolean {
		return this.channel.readyState === 'open';
	}

	/**
	 * The last round trip measured (first when the channel opens, as the answer takes a moment); reading it asks
	 * for a new measurement at most once a second.
	 */
	get roundTripMs(): number | null {
		if (performance.now() - this.roundTripAsked >= ROUND_TRIP_EVERY_MS) this.askRoundTrip();
		return this.roundTrip;
	}

	private askRoundTrip(): void {
		this.roundTripAsked = performance.now();
		// A connection closing under getStats keeps the last value, or none: the credit then stays at its floor.
		void this.measureRoundTrip()
			.then((ms) => (this.roundTrip = ms ?? this.roundTrip))
			.catch(() => undefined);
	}

	async ready(): Promise<void> {
		this.measure();
		while (this.open && this.channel.bufferedAmount > this.queue.highWater) {
			await drained(this.channel);
			this.measure();
		}
	}

	send(frame: Uint8Array<ArrayBuffer>): void {
		this.channel.send(frame);
		this.sent += frame.byteLength;
	}

	private measure(): void {
		const buffered = this.channel.bufferedAmount;
		this.queue.sample(performance.now(), this.sent - buffered, buffered > 0);
		this.channel.bufferedAmountLowThreshold = this.queue.lowWater;
	}

	listen(listener: PortListener): void {
		this.listener = listener;
		const early = this.early;
		this.early = [];
		this.earlyBytes = 0;
		// Right after the caller has finished setting up, and before any frame that arrives later.
		queueMicrotask(() => {
			for (const data of early) listener.message(data);
			if (this.channel.readyState === 'closed') listener.close();
		});
	}

	private arrived(data: Uint8Array<ArrayBuffer>): void {
		if (this.listener) return this.listener.message(data);
		this.earlyBytes += data.byteLength;
		if (this.earlyBytes <= MAX_EARLY_BYTES) this.early.push(data);
		else {
			this.early = [];
			this.channel.close();
		}
	}
}
