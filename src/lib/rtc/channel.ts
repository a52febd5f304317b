// Sends frames on a DataChannel without overfilling its buffer: above the high-water mark the sender
// waits for `bufferedamountlow`. (Thresholds from 256 KiB to 12 MiB measured the same here; CPU-bound.)
import { BUFFER_LOW_BYTES } from './peer';

const HIGH_WATER_BYTES = 4 * BUFFER_LOW_BYTES;

export class ChannelClosedError extends Error {
	constructor() {
		super('The data channel is closed');
	}
}

export interface FrameChannel {
	send(frame: Uint8Array): Promise<void>;
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

export function frameChannel(channel: RTCDataChannel): FrameChannel {
	return {
		async send(frame) {
			while (channel.readyState === 'open' && channel.bufferedAmount > HIGH_WATER_BYTES)
				await drained(channel);
			if (channel.readyState !== 'open') throw new ChannelClosedError();
			channel.send(frame as Uint8Array<ArrayBuffer>);
		},
	};
}
