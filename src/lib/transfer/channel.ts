// The engine's only view of the link: a FramePort sends frames, says when its buffer has room and when it
// closed. An RTCDataChannel adapter (src/lib/rtc/) and an in-memory pair (tests) both implement it.

/** What the hub hears from one port: every received frame, that the port closed, or that the peer broke it. */
export interface PortListener {
	/** One frame: a view the listener may keep, as nothing else writes to its bytes. */
	message(data: Uint8Array<ArrayBuffer>): void;
	close(): void;
	/**
	 * The port stopped because what the other device sent cannot come from a working peer (`reason`, in plain
	 * words). Unlike a close, waiting for a new link would not help: the transfers end.
	 */
	broken(reason: string): void;
}

/** One open, ordered, reliable message pipe to the other device. */
export interface FramePort {
	readonly open: boolean;
	/** The link's last measured round trip in milliseconds; null until one is known. */
	readonly roundTripMs: number | null;
	/** Bytes at the start of every frame handed to `send` that the port fills itself (its own header). */
	readonly headroom: number;
	/** Resolves once the port's send buffer has room; rejects with ChannelClosedError if it closes first. */
	ready(): Promise<void>;
	/** Queues one frame, its first `headroom` bytes left free; call only while `open`, after `ready`. */
	send(frame: Uint8Array<ArrayBuffer>): void;
	/**
	 * Sets the one listener for incoming frames and for the close. Frames that arrived before it was set
	 * (the other side may start sending first) reach it in order, before any later frame.
	 */
	listen(listener: PortListener): void;
}

export class ChannelClosedError extends Error {
	constructor() {
		super('The data channel is closed');
	}
}

/** The port transfers send on. Transfers keep one FrameChannel for their whole life; after a reconnection it points at the new port. */
export class FrameChannel {
	private port: FramePort | null = null;

	attach(port: FramePort): void {
		this.port = port;
	}

	detach(): void {
		this.port = null;
	}

	get attached(): boolean {
		return this.port !== null;
	}

	isCurrent(port: FramePort): boolean {
		return this.port === port;
	}

	/** The current port's round trip in milliseconds; null while detached or unmeasured. */
	get roundTripMs(): number | null {
		return this.port?.roundTripMs ?? null;
	}

	/**
	 * Sends once the port has room the frame `encode` makes, leaving the port's headroom free in front (so the
	 * port adds its header without copying the frame). `stillWanted` is checked at the last moment before the
	 * frame goes out, so a send loop replaced while it waited (rewind, resume) never slips a stale frame in.
	 * Resolves false when the frame was dropped for that reason.
	 */
	async send(
		encode: (headroom: number) => Uint8Array<ArrayBuffer>,
		stillWanted: () => boolean = () => true,
	): Promise<boolean> {
		const port = this.port;
		if (!port) throw new ChannelClosedError();
		await port.ready();
		if (port !== this.port || !port.open) throw new ChannelClosedError();
		if (!stillWanted()) return false;
		port.send(encode(port.headroom));
		return true;
	}
}
