// Adapts an RTCDataChannel to the engine's FramePort: above the high-water mark a send waits for
// `bufferedamountlow` (thresholds from 256 KiB to 12 MiB measured the same here; CPU-bound).
// It listens from the moment the channel exists: the other side may send its first frame (a resume) before
// this side has authenticated it and handed the port to the hub, and a frame nobody listens for is lost.
import { ChannelClosedError, type FramePort, type PortListener } from '../transfer/channel';

/** Buffered bytes at which a waiting send resumes. */
const BUFFER_LOW_BYTES = 1024 * 1024;
const HIGH_WATER_BYTES = 4 * BUFFER_LOW_BYTES;
/**
 * Before the hub listens only control frames can rightly arrive (data needs credit that only a listening
 * side grants), a few KiB; a peer that sends more is cut off rather than buffered.
 */
const MAX_EARLY_BYTES = 4 * 1024 * 1024;

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
	private early: ArrayBuffer[] = [];
	private earlyBytes = 0;

	constructor(private readonly channel: RTCDataChannel) {
		channel.binaryType = 'arraybuffer';
		channel.bufferedAmountLowThreshold = BUFFER_LOW_BYTES;
		channel.addEventListener('message', (event) => this.arrived(event.data as ArrayBuffer));
		channel.addEventListener('close', () => this.listener?.close());
	}

	get open(): boolean {
		return this.channel.readyState === 'open';
	}

	async ready(): Promise<void> {
		while (this.open && this.channel.bufferedAmount > HIGH_WATER_BYTES) await drained(this.channel);
	}

	send(frame: Uint8Array<ArrayBuffer>): void {
		this.channel.send(frame);
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

	private arrived(data: ArrayBuffer): void {
		if (this.listener) return this.listener.message(data);
		this.earlyBytes += data.byteLength;
		if (this.earlyBytes <= MAX_EARLY_BYTES) this.early.push(data);
		else {
			this.early = [];
			this.channel.close();
		}
	}
}
