// Sends frames on the current DataChannel without overfilling its buffer: above the high-water mark the
// sender waits for `bufferedamountlow` (thresholds from 256 KiB to 12 MiB measured the same here; CPU-bound).
// Transfers keep one FrameChannel for their whole life; after a reconnection it points at the new channel.
import { BUFFER_LOW_BYTES } from './peer';

const HIGH_WATER_BYTES = 4 * BUFFER_LOW_BYTES;

export class ChannelClosedError extends Error {
	constructor() {
		super('The data channel is closed');
	}
}

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

export class FrameChannel {
	private raw: RTCDataChannel | null = null;

	attach(raw: RTCDataChannel): void {
		this.raw = raw;
	}

	detach(): void {
		this.raw = null;
	}

	get attached(): boolean {
		return this.raw !== null;
	}

	isCurrent(raw: RTCDataChannel): boolean {
		return this.raw === raw;
	}

	/**
	 * Sends once the buffer has room. `stillWanted` is checked at the last moment before the frame goes
	 * out, so a send loop replaced while it waited (rewind, resume) never slips a stale frame in.
	 * Resolves false when the frame was dropped for that reason.
	 */
	async send(frame: Uint8Array<ArrayBuffer>, stillWanted: () => boolean = () => true): Promise<boolean> {
		const channel = this.raw;
		if (!channel) throw new ChannelClosedError();
		while (channel.readyState === 'open' && channel.bufferedAmount > HIGH_WATER_BYTES) await drained(channel);
		if (channel !== this.raw || channel.readyState !== 'open') throw new ChannelClosedError();
		if (!stillWanted()) return false;
		channel.send(frame);
		return true;
	}
}
