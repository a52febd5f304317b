// Sends files as data frames, reading 4 MiB slices ahead of the channel, never past the credit the
// receiver granted (its disk is slower than the channel), with a SHA-256 digest after every 1 MiB block.
// A rewind (damaged block) or resume (new channel) restarts the send loop at the receiver's verified offset.
import { fileError, isolate, localError, type UserError } from '../errors';
import {
	encodeData,
	offerMessages,
	type CancelReason,
	type ControlMessage,
	type FileMeta,
} from '../protocol/frames';
import { ChannelClosedError } from './channel';
import { toBase64 } from '../protocol/base64';
import { BLOCK_BYTES, blockCount, fileDigest, sha256 } from './blocks';
import { SendWindow } from './credit';
import { Transfer, peerFailure, unsendable, type TransferContext } from './transfer';
import type { FileSource } from './types';

/** Read size; a multiple of BLOCK_BYTES so every slice holds whole blocks. */
const READ_BYTES = 4 * BLOCK_BYTES;

export function fileMeta(file: FileSource): FileMeta {
	const meta = { name: file.name, size: file.size, type: file.type, lastModified: file.lastModified };
	return file.path === undefined ? meta : { ...meta, path: file.path };
}

interface Position {
	index: number;
	offset: number;
}

export class OutgoingTransfer extends Transfer {
	private window = new SendWindow(0);
	/** Bumped by every rewind, resume and pause; a send loop of an older generation stops. */
	private generation = 0;
	private readonly digests: Uint8Array[][];

	constructor(
		id: string,
		private readonly sources: readonly FileSource[],
		folders: readonly string[],
		private readonly chunkBytes: number,
		context: TransferContext,
	) {
		super(id, 'send', sources.map(fileMeta), 'offered', context, folders);
		this.digests = sources.map(() => []);
	}

	/** Sends the offer in frames of at most `limit` bytes (several when it is large; see `offerMessages`). */
	async offer(limit: number): Promise<void> {
		const messages = offerMessages(this.id, this.sources.map(fileMeta), this.folders, limit);
		if (!messages.ok) return this.fail(unsendable(messages.error));
		for (const message of messages.value) await this.send(message);
	}

	onControl(message: ControlMessage): void {
		switch (message.t) {
			case 'accept':
				if (this.status !== 'offered') return;
				this.status = 'active';
				this.window = new SendWindow(message.credit);
				this.restart({ index: 0, offset: 0 });
				return;
			case 'decline':
				if (this.status === 'offered') this.end('declined');
				return;
			case 'credit':
				this.window.grant(message.credit);
				return;
			case 'rewind':
				if (!this.exists(message)) return;
				if (this.status === 'active') {
					const { index, offset } = message;
					this.restart({ index, offset }, [{ t: 'rewound', transfer: this.id, index, offset }]);
				}
				return;
			case 'resume':
				if (!this.exists(message)) return;
				// Ended here while the link was down: the receiver waits for data that will never come.
				if (this.status === 'cancelled' || this.status === 'failed') return this.tellCancelled(null);
				// While 'offered' the accept was lost with the old channel: the resume stands for it.
				if (this.status !== 'active' && this.status !== 'paused' && this.status !== 'offered') return;
				this.status = 'active';
				this.window.close(new ChannelClosedError());
				this.window = new SendWindow(message.credit);
				// Files cancelled here while the link was down: the receiver must not wait for them.
				this.restart({ index: message.index, offset: message.offset }, this.cancelledFiles());
				return;
			case 'file-done':
				if (!this.isOpen(message.index)) return;
				if (message.size !== this.files[message.index].size) {
					const name = isolate(this.files[message.index].name);
					this.setFile(
						message.index,
						'failed',
						localError(
							(m) => m.transfer_wrong_size({ name }),
							(m) => m.transfer_send_it_again_hint(),
						),
					);
				} else this.setFile(message.index, 'done');
				return;
			case 'cancel':
				this.cancelled(message.index, false, peerFailure(message.reason));
				return;
		}
	}

	cancel(index: number | null): void {
		this.cancelled(index, true);
	}

	pause(): void {
		if (this.status !== 'active' && this.status !== 'offered') return;
		this.generation += 1;
		this.window.close(new ChannelClosedError());
		if (this.status === 'active') this.status = 'paused';
		this.changed();
	}

	fail(error: UserError): void {
		this.generation += 1;
		this.window.close(new Error(error.message));
		this.end('failed', error);
	}

	/** One file (index) or everything (null) ends here: cancelled, or failed when `failure` says why. */
	private cancelled(index: number | null, tellPeer: boolean, failure?: UserError): void {
		if (index === null) {
			this.generation += 1;
			this.window.close(new Error('cancelled'));
			if (failure) this.end('failed', failure);
			else this.end('cancelled');
		} else if (this.isOpen(index)) this.setFile(index, failure ? 'failed' : 'cancelled', failure);
		if (tellPeer) this.tellCancelled(index);
	}

	private cancelledFiles(): ControlMessage[] {
		return this.files.flatMap((file, index) =>
			file.status === 'cancelled' ? [{ t: 'cancel', transfer: this.id, index, reason: 'cancelled' }] : [],
		);
	}

	private tellCancelled(index: number | null): void {
		void this.send({ t: 'cancel', transfer: this.id, index, reason: 'cancelled' }).catch(() => {});
	}

	/**
	 * Starts a new send loop at `from`, after sending `first` (a rewound marker, cancels the receiver may
	 * have missed); files after `from` that were under way are sent again from 0.
	 */
	private restart(from: Position, first: ControlMessage[] = []): void {
		const generation = ++this.generation;
		this.files.forEach((file, index) => {
			if (index < from.index || !this.isOpen(index)) return;
			file.status = index === from.index ? 'active' : 'waiting';
			this.restartedAt(index, index === from.index ? from.offset : 0);
		});
		this.changed();
		void this.run(generation, from, first);
	}

	private current(generation: number): boolean {
		return this.generation === generation && this.status === 'active';
	}

	private async run(generation: number, from: Position, first: ControlMessage[]): Promise<void> {
		/** The file being read, named when reading it fails. */
		let index = from.index;
		try {
			for (const message of first) await this.send(message);
			const wanted = () => this.current(generation);
			for (; index < this.sources.length; index++) {
				if (!wanted()) return;
				if (!this.isOpen(index) || (index > from.index && this.files[index].status !== 'waiting')) continue;
				this.files[index].status = 'active';
				this.changed();
				await this.sendFile(generation, index, index === from.index ? from.offset : 0);
				if (!this.current(generation) || !this.isOpen(index)) continue;
				const size = this.sources[index].size;
				const digest = await fileDigest(this.digests[index].slice(0, blockCount(size)));
				if (!this.current(generation) || !this.isOpen(index)) continue;
				this.files[index].status = 'verifying';
				await this.send({ t: 'file-end', transfer: this.id, index, sha256: digest }, wanted);
				this.changed();
			}
		} catch (error) {
			if (!this.current(generation) || error instanceof ChannelClosedError) return;
			if (error instanceof DOMException)
				return this.stop(fileError(error, this.files[index].name), 'unreadable');
			const detail = error instanceof Error ? error.message : String(error);
			this.stop(
				localError(
					(m) => m.transfer_send_error({ detail }),
					(m) => m.transfer_send_error_hint(),
				),
				'failed',
			);
		}
	}

	/** Ends the transfer with `failure` and tells the receiver why, as `reason`. */
	private stop(failure: UserError, reason: CancelReason): void {
		void this.send({ t: 'cancel', transfer: this.id, index: null, reason }).catch(() => {});
		this.fail(failure);
	}

	/** Whether a rewind or resume asks for a block start (or the end) of its file; if not, the transfer stops. */
	private exists({ index, offset }: Position): boolean {
		const { size } = this.files[index];
		if (offset <= size && (offset % BLOCK_BYTES === 0 || offset === size)) return true;
		const name = isolate(this.files[index].name);
		this.stop(
			localError(
				(m) => m.transfer_no_such_part({ name }),
				(m) => m.transfer_send_again_hint(),
			),
			'protocol',
		);
		return false;
	}

	private async sendFile(generation: number, index: number, start: number): Promise<void> {
		const file = this.sources[index];
		const wanted = () => this.current(generation) && this.isOpen(index);
		const read = (offset: number) => file.slice(offset, offset + READ_BYTES).arrayBuffer();
		let offset = start;
		let next = offset < file.size ? read(offset) : null;
		while (next) {
			const slice = new Uint8Array(await next);
			if (slice.byteLength === 0) throw new DOMException('file shrank while reading', 'NotReadableError');
			const sliceEnd = offset + slice.byteLength;
			next = sliceEnd < file.size ? read(sliceEnd) : null;
			for (let at = 0; at < slice.byteLength; at += BLOCK_BYTES) {
				const block = slice.subarray(at, Math.min(at + BLOCK_BYTES, slice.byteLength));
				const blockNumber = (offset + at) / BLOCK_BYTES;
				const digest = sha256(block);
				// Equal pieces of at most chunkBytes: a 1 MiB block goes as 5 frames of ~205 KiB, not 4 + a stub.
				const pieces = Math.ceil(block.byteLength / this.chunkBytes);
				for (let piece = 0; piece < pieces; piece++) {
					const chunkAt = Math.floor((piece * block.byteLength) / pieces);
					const payload = block.subarray(chunkAt, Math.floor(((piece + 1) * block.byteLength) / pieces));
					await this.window.waitFor(payload.byteLength);
					const encode = (headroom: number) => encodeData(index, offset + at + chunkAt, payload, headroom);
					if (!(await this.channel.send(encode, wanted))) return;
					this.window.onSent(payload.byteLength);
					this.progressed(index, payload.byteLength);
				}
				this.digests[index][blockNumber] = await digest;
				const sha = toBase64(this.digests[index][blockNumber]);
				await this.send({ t: 'block', transfer: this.id, index, block: blockNumber, sha256: sha }, wanted);
				if (!wanted()) return;
			}
			offset = sliceEnd;
		}
	}
}
