// One ordered FramePort over several lanes (a DataChannel on each of several peer connections): with random loss
// one SCTP association's congestion window holds it far below the link (0.42 MB/s at 40 ms and 0.5% loss; 4 lanes
// 1.56 MB/s through one shared bottleneck). Each frame carries a sequence number; the receiver restores the order.
import { SAFE_MESSAGE_BYTES } from '../protocol/frames';
import { MAX_LANES } from '../protocol/signaling';
import { ChannelClosedError, type FramePort, type PortListener } from './channel';
import { MAX_CREDIT_WINDOW_BYTES } from './credit';
import { MAX_QUEUE_BYTES } from './queue-target';

/** The sequence number (uint32 big-endian, wrapping) before every frame. */
export const STRIPE_HEADER_BYTES = 4;
/**
 * Bytes a receiver holds for a gap: what the sender may have in flight (the largest credit window, and every
 * lane's send buffer). A peer that runs further ahead is broken or hostile, and the port refuses it.
 */
export const MAX_AHEAD_BYTES = MAX_CREDIT_WINDOW_BYTES + MAX_LANES * MAX_QUEUE_BYTES;

/** The largest frame the engine may hand a striped port whose lanes accept `laneMessageSize`-byte messages. */
export function stripedMessageSize(laneMessageSize: number): number {
	const lane = Number.isFinite(laneMessageSize) && laneMessageSize > 0 ? laneMessageSize : SAFE_MESSAGE_BYTES;
	return Math.min(lane, SAFE_MESSAGE_BYTES) - STRIPE_HEADER_BYTES;
}

/** A lane: an open, ordered port and how many bytes it has queued but not yet sent. */
export interface Lane {
	port: FramePort;
	buffered(): number;
}

export class StripedPort implements FramePort {
	private readonly lanes: Lane[] = [];
	private listener: PortListener | null = null;
	private nextOut = 0;
	private nextIn = 0;
	/** Frames that arrived ahead of `nextIn` on a faster lane, by sequence number. */
	private readonly ahead = new Map<number, Uint8Array<ArrayBuffer>>();
	private aheadBytes = 0;
	/** Frames in order that arrived before anyone listened. */
	private early: Uint8Array<ArrayBuffer>[] = [];
	private closed = false;
	/** Why the port refused the other side's frames, once it has. */
	private refused: string | null = null;

	constructor(first: Lane) {
		this.add(first);
	}

	get open(): boolean {
		return !this.closed && this.lanes.every((lane) => lane.port.open);
	}

	/** The slowest lane's round trip: credit must cover the longest way a frame can take. */
	get roundTripMs(): number | null {
		const measured = this.lanes.flatMap((lane) =>
			lane.port.roundTripMs === null ? [] : [lane.port.roundTripMs],
		);
		return measured.length > 0 ? Math.max(...measured) : null;
	}

	/** Frames waiting for an earlier one held up on another lane. */
	get reordering(): number {
		return this.ahead.size;
	}

	/** Whether frames may have gone over `lane`: it was added, so losing it loses frames. */
	carries(lane: Lane): boolean {
		return this.lanes.includes(lane);
	}

	/** Adds a lane the other side may also send on; sends spread over it from now on. */
	add(lane: Lane): void {
		if (this.closed) return;
		this.lanes.push(lane);
		lane.port.listen({
			message: (data) => this.arrived(data),
			close: () => this.close(null),
			broken: (reason) => this.close(reason),
		});
	}

	async ready(): Promise<void> {
		if (!this.open) throw new ChannelClosedError();
		// Whichever lane has room first; a lane's ready() resolves at once while it has room.
		await Promise.race(this.lanes.map((lane) => lane.port.ready()));
		if (!this.open) throw new ChannelClosedError();
	}

	/** The sequence number goes in front of each frame, in room the frame was made with (no copy). */
	readonly headroom = STRIPE_HEADER_BYTES;

	/**
	 * Sends on the lane with the least queued, so a lane held up by a loss gets less until it recovers. Lanes
	 * take the message whole: a lane's own headroom must be 0.
	 */
	send(frame: Uint8Array<ArrayBuffer>): void {
		const lane = this.lanes.reduce((best, next) => (next.buffered() < best.buffered() ? next : best));
		new DataView(frame.buffer, frame.byteOffset, STRIPE_HEADER_BYTES).setUint32(0, this.nextOut);
		this.nextOut = (this.nextOut + 1) >>> 0;
		lane.port.send(frame);
	}

	listen(listener: PortListener): void {
		this.listener = listener;
		const early = this.early;
		this.early = [];
		queueMicrotask(() => {
			for (const data of early) listener.message(data);
			if (this.closed) this.tell(listener);
		});
	}

	private arrived(data: Uint8Array<ArrayBuffer>): void {
		if (this.closed) return;
		if (data.byteLength < STRIPE_HEADER_BYTES) return this.close('a frame without its sequence number');
		const sequence = new DataView(data.buffer, data.byteOffset, STRIPE_HEADER_BYTES).getUint32(0);
		// A view, not a copy: slicing every frame cost about 3 CPU seconds per GiB on the receiver.
		const frame = data.subarray(STRIPE_HEADER_BYTES);
		if (sequence !== this.nextIn) {
			// A frame from the past, or twice the same one, cannot come over reliable lanes: the peer is broken.
			if (this.ahead.has(sequence) || (sequence - this.nextIn) >>> 0 >= 2 ** 31) {
				return this.close('a frame it had already sent');
			}
			this.aheadBytes += frame.byteLength;
			if (this.aheadBytes > MAX_AHEAD_BYTES)
				return this.close('more data than it may have in flight past a frame that never came');
			this.ahead.set(sequence, frame);
			return;
		}
		this.deliver(frame);
		for (let next = this.ahead.get(this.nextIn); next; next = this.ahead.get(this.nextIn)) {
			this.ahead.delete(this.nextIn);
			this.aheadBytes -= next.byteLength;
			this.deliver(next);
		}
	}

	private deliver(frame: Uint8Array<ArrayBuffer>): void {
		this.nextIn = (this.nextIn + 1) >>> 0;
		if (this.listener) this.listener.message(frame);
		else this.early.push(frame);
	}

	/**
	 * One lane closing breaks the order of everything after it: the whole port closes, and transfers resume on the
	 * next link. A frame no working peer sends (`refused`) ends them instead: the listener hears it as broken.
	 */
	private close(refused: string | null): void {
		if (this.closed) return;
		this.closed = true;
		this.refused = refused;
		this.ahead.clear();
		this.aheadBytes = 0;
		if (this.listener) this.tell(this.listener);
	}

	private tell(listener: PortListener): void {
		if (this.refused !== null) listener.broken(this.refused);
		else listener.close();
	}
}
