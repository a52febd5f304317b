// Two FramePorts joined in memory, so the real transfer engine runs in Node in milliseconds. Frames arrive
// one macrotask later, in order, with a send buffer and backpressure like a DataChannel's; a tap may drop,
// change, hold back or add frames on the way, and `close` makes the link vanish with frames in flight.
import { decodeFrame, type ControlMessage } from '../../src/lib/protocol/frames';
import { ChannelClosedError, type FramePort, type PortListener } from '../../src/lib/transfer/channel';

export type Side = 'a' | 'b';

/** Sees each frame as it is about to arrive; returns the frames that arrive instead (none drops it). */
export type Tap = (frame: Uint8Array<ArrayBuffer>, from: Side) => Uint8Array<ArrayBuffer>[];

/** What crossed the link, in order: control messages whole, data frames as index, offset and length. */
export type Crossed =
	| { from: Side; kind: 'control'; message: ControlMessage }
	| { from: Side; kind: 'data'; fileIndex: number; offset: number; length: number }
	| { from: Side; kind: 'bad' };

export interface MemoryPairOptions {
	/** Buffered bytes above which `ready` waits (default 4 MiB, as the DataChannel adapter). */
	highWater?: number;
	tap?: Tap;
	/** The round trip both ports report (default: not measured). */
	roundTripMs?: number;
}

export class MemoryPort implements FramePort {
	private listener: PortListener | null = null;
	/** Bytes sent and not yet taken off by the pair, as a DataChannel's bufferedAmount. */
	buffered = 0;
	private waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
	/** The most bytes this side ever had buffered and not yet delivered. */
	peakBuffered = 0;

	constructor(
		private readonly pair: MemoryPair,
		readonly side: Side,
		private readonly highWater: number,
	) {}

	get open(): boolean {
		return this.pair.open;
	}

	readonly headroom = 0;

	get roundTripMs(): number | null {
		return this.pair.roundTripMs;
	}

	async ready(): Promise<void> {
		while (this.open && this.buffered > this.highWater) {
			await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
		}
	}

	send(frame: Uint8Array<ArrayBuffer>): void {
		if (!this.open) throw new DOMException('send on a closed channel', 'InvalidStateError');
		const copy = frame.slice();
		this.buffered += copy.byteLength;
		this.peakBuffered = Math.max(this.peakBuffered, this.buffered);
		this.pair.post(this.side, copy);
	}

	/** Frames that arrived before anyone listened, as a DataChannelPort holds them (FramePort's contract). */
	private early: Uint8Array<ArrayBuffer>[] = [];

	listen(listener: PortListener): void {
		this.listener = listener;
		const early = this.early.splice(0);
		queueMicrotask(() => {
			for (const data of early) listener.message(data);
		});
	}

	/** The pair took `bytes` off this side's buffer. */
	drained(bytes: number): void {
		this.buffered -= bytes;
		if (this.buffered > this.highWater / 4) return;
		const waiters = this.waiters.splice(0);
		for (const waiter of waiters) waiter.resolve();
	}

	closed(): void {
		const waiters = this.waiters.splice(0);
		for (const waiter of waiters) waiter.reject(new ChannelClosedError());
		setImmediate(() => this.listener?.close());
	}

	receive(frame: Uint8Array<ArrayBuffer>): void {
		if (this.listener) this.listener.message(frame);
		else this.early.push(frame);
	}
}

export class MemoryPair {
	readonly a: MemoryPort;
	readonly b: MemoryPort;
	open = true;
	tap: Tap | undefined;
	/** Every frame delivered, in order; decoded into `crossed` only when a test looks (decoding cost a tenth). */
	private readonly delivered: { from: Side; frame: Uint8Array }[] = [];
	private readonly decoded: Crossed[] = [];
	/** Frames posted and not yet delivered (or dropped). */
	inFlight = 0;
	readonly roundTripMs: number | null;

	constructor(options: MemoryPairOptions = {}) {
		const highWater = options.highWater ?? 4 * 1024 * 1024;
		this.roundTripMs = options.roundTripMs ?? null;
		this.a = new MemoryPort(this, 'a', highWater);
		this.b = new MemoryPort(this, 'b', highWater);
		this.tap = options.tap;
	}

	post(from: Side, frame: Uint8Array<ArrayBuffer>): void {
		this.inFlight += 1;
		setImmediate(() => {
			this.inFlight -= 1;
			const sender = from === 'a' ? this.a : this.b;
			sender.drained(frame.byteLength);
			if (!this.open) return;
			const arriving = this.tap ? this.tap(frame, from) : [frame];
			const receiver = from === 'a' ? this.b : this.a;
			for (const piece of arriving) {
				if (!this.open) return;
				this.delivered.push({ from, frame: piece });
				receiver.receive(piece);
			}
		});
	}

	/** The link vanishes: frames in flight are lost and both sides see a close. */
	close(): void {
		if (!this.open) return;
		this.open = false;
		this.a.closed();
		this.b.closed();
	}

	/** How many frames have crossed. */
	get count(): number {
		return this.delivered.length;
	}

	/** What crossed the link, in order. */
	get crossed(): readonly Crossed[] {
		for (const { from, frame } of this.delivered.slice(this.decoded.length)) this.record(from, frame);
		return this.decoded;
	}

	/** The control messages that crossed, in order, optionally only from one side. */
	controls(from?: Side): ControlMessage[] {
		return this.crossed.flatMap((c) =>
			c.kind === 'control' && (from === undefined || c.from === from) ? [c.message] : [],
		);
	}

	private record(from: Side, frame: Uint8Array): void {
		const decoded = decodeFrame(frame);
		if (!decoded.ok) this.decoded.push({ from, kind: 'bad' });
		else if (decoded.value.kind === 'control') {
			this.decoded.push({ from, kind: 'control', message: decoded.value.message });
		} else {
			const { fileIndex, offset, payload } = decoded.value;
			this.decoded.push({ from, kind: 'data', fileIndex, offset, length: payload.byteLength });
		}
	}
}
