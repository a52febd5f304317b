// Adapts an RTCDataChannel to the engine's FramePort: above the high-water mark a send waits for
// `bufferedamountlow` (thresholds from 256 KiB to 12 MiB measured the same here; CPU-bound).
import { ChannelClosedError, type FramePort, type PortListener } from '../transfer/channel';
import { BUFFER_LOW_BYTES } from './peer';

const HIGH_WATER_BYTES = 4 * BUFFER_LOW_BYTES;

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
	constructor(private readonly channel: RTCDataChannel) {}

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
		this.channel.addEventListener('message', (event) => listener.message(event.data as ArrayBuffer));
		this.channel.addEventListener('close', () => listener.close());
	}
}
