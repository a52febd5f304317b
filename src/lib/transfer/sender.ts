// Sends files as data frames, reading 4 MiB slices ahead of the channel, never past the credit the
// receiver granted (its disk is slower than the channel). A file counts as sent only when the receiver says so.
import { fileError, userError, type UserError } from '../errors';
import type { FrameChannel } from '../rtc/channel';
import { encodeData, type ControlMessage, type FileMeta } from '../protocol/frames';
import { SendWindow } from './credit';
import { Transfer } from './transfer';

const READ_BYTES = 4 * 1024 * 1024;

export function fileMeta(file: File): FileMeta {
	return { name: file.name, size: file.size, type: file.type, lastModified: file.lastModified };
}

export class OutgoingTransfer extends Transfer {
	private window = new SendWindow(0);

	constructor(
		id: string,
		private readonly sources: File[],
		channel: FrameChannel,
		private readonly chunkBytes: number,
		changed: () => void,
	) {
		super(id, 'send', sources.map(fileMeta), 'offered', channel, changed);
	}

	offer(): Promise<void> {
		return this.send({ t: 'offer', transfer: this.id, files: this.sources.map(fileMeta) });
	}

	onControl(message: ControlMessage): void {
		switch (message.t) {
			case 'accept':
				if (this.status !== 'offered') return;
				this.status = 'active';
				this.window = new SendWindow(message.credit);
				this.changed();
				void this.run();
				return;
			case 'decline':
				if (this.status === 'offered') this.end('declined');
				return;
			case 'credit':
				this.window.grant(message.credit);
				return;
			case 'file-done':
				if (!this.isOpen(message.index)) return;
				if (message.size !== this.files[message.index].size) {
					this.setFile(
						message.index,
						'failed',
						userError(`“${this.files[message.index].name}” arrived with the wrong size.`, 'Send it again.'),
					);
				} else this.setFile(message.index, 'done');
				return;
			case 'cancel':
				this.cancelled(message.index, false);
				return;
		}
	}

	/** This user cancels one file (index) or everything (null); the receiver is told. */
	cancel(index: number | null): void {
		this.cancelled(index, true);
	}

	fail(error: UserError): void {
		this.window.close(new Error(error.message));
		this.end('failed', error);
	}

	private cancelled(index: number | null, tellPeer: boolean): void {
		if (index === null) {
			this.window.close(new Error('cancelled'));
			this.end('cancelled');
		} else if (this.isOpen(index)) this.setFile(index, 'cancelled');
		if (tellPeer)
			void this.send({ t: 'cancel', transfer: this.id, index, reason: 'cancelled by sender' }).catch(
				() => {},
			);
	}

	private get stopped(): boolean {
		return this.status !== 'active';
	}

	private async run(): Promise<void> {
		try {
			for (let index = 0; index < this.sources.length && !this.stopped; index++) {
				if (!this.isOpen(index)) continue;
				this.files[index].status = 'active';
				this.changed();
				await this.sendFile(index);
				if (this.isOpen(index) && !this.stopped) {
					this.files[index].status = 'verifying';
					await this.send({ t: 'file-end', transfer: this.id, index });
					this.changed();
				}
			}
		} catch (error) {
			if (this.stopped) return;
			const name = this.files.find((f) => f.status === 'active')?.name ?? 'a file';
			const failure =
				error instanceof DOMException ? fileError(error, name) : userError('Sending stopped.', String(error));
			void this.send({ t: 'cancel', transfer: this.id, index: null, reason: failure.message }).catch(
				() => {},
			);
			this.fail(failure);
		}
	}

	private async sendFile(index: number): Promise<void> {
		const file = this.sources[index];
		const read = (offset: number) => file.slice(offset, offset + READ_BYTES).arrayBuffer();
		let offset = 0;
		let next = file.size > 0 ? read(0) : null;
		while (next) {
			const block = new Uint8Array(await next);
			if (block.byteLength === 0) throw new DOMException('file shrank while reading', 'NotReadableError');
			const blockEnd = offset + block.byteLength;
			next = blockEnd < file.size ? read(blockEnd) : null;
			for (let at = 0; at < block.byteLength; at += this.chunkBytes) {
				if (this.stopped || !this.isOpen(index)) return;
				const payload = block.subarray(at, Math.min(at + this.chunkBytes, block.byteLength));
				await this.window.waitFor(payload.byteLength);
				if (this.stopped || !this.isOpen(index)) return;
				await this.channel.send(encodeData(index, offset + at, payload));
				this.window.onSent(payload.byteLength);
				this.progressed(index, payload.byteLength);
			}
			offset = blockEnd;
		}
	}
}
