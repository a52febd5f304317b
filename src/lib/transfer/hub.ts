// Owns the DataChannel once it is open: decodes every frame, routes it to the one incoming or outgoing
// transfer it belongs to (data frames carry no transfer id, so one transfer per direction runs at a time).
import { peerGone, userError, type UserError } from '../errors';
import { frameChannel, type FrameChannel } from '../rtc/channel';
import {
	chunkSizeFor,
	controlFits,
	decodeFrame,
	encodeControl,
	type ControlMessage,
} from '../protocol/frames';
import { randomAlphanumeric } from '../protocol/random';
import { IncomingTransfer } from './receiver';
import { OutgoingTransfer, fileMeta } from './sender';
import type { Transfer } from './transfer';
import { isFinished, type TransferView } from './types';

export interface HubEvents {
	changed(): void;
	text(text: string): void;
	/** The peer sent something that breaks the protocol; the hub has stopped. */
	broken(error: UserError): void;
}

export class TransferHub {
	private readonly channel: FrameChannel;
	private readonly chunkBytes: number;
	readonly transfers: Transfer[] = [];
	private readonly outbox: OutgoingTransfer[] = [];
	private readonly offered = new WeakSet<OutgoingTransfer>();

	constructor(
		raw: RTCDataChannel,
		private readonly maxMessageSize: number,
		private readonly events: HubEvents,
	) {
		this.channel = frameChannel(raw);
		this.chunkBytes = chunkSizeFor(maxMessageSize);
		raw.addEventListener('message', (event) => this.onMessage(event.data as ArrayBuffer));
		raw.addEventListener('close', () => this.failAll(peerGone()));
	}

	/** Queues files for sending; they are offered once any earlier outgoing transfer has finished. */
	send(files: File[]): UserError | null {
		if (files.length === 0) return userError('No files were picked.', 'Pick one or more files to send.');
		const id = randomAlphanumeric(16);
		if (
			!controlFits(
				{ t: 'offer', transfer: id, files: files.map(fileMeta) },
				Math.min(this.maxMessageSize, 262_144),
			)
		) {
			return userError(
				'Too many files at once.',
				'Send them in smaller groups (up to about 1,000 at a time).',
			);
		}
		const transfer = new OutgoingTransfer(id, files, this.channel, this.chunkBytes, () => this.onChange());
		this.transfers.push(transfer);
		this.outbox.push(transfer);
		this.pump();
		this.events.changed();
		return null;
	}

	sendText(text: string): Promise<void> {
		return this.channel.send(encodeControl({ t: 'text', text }));
	}

	find(id: string): Transfer | undefined {
		return this.transfers.find((t) => t.id === id);
	}

	views(): TransferView[] {
		return this.transfers.map((t) => t.view(t instanceof IncomingTransfer ? t.savedTo : undefined));
	}

	/** The connection is gone: every unfinished transfer fails, and nothing reports success. */
	failAll(error: UserError): void {
		for (const transfer of this.transfers) if (!isFinished(transfer.status)) transfer.fail(error);
		this.outbox.length = 0;
		this.events.changed();
	}

	private onChange(): void {
		this.pump();
		this.events.changed();
	}

	private pump(): void {
		const head = this.outbox[0];
		if (!head) return;
		if (isFinished(head.status)) {
			this.outbox.shift();
			this.pump();
		} else if (head.status === 'offered' && !this.offered.has(head)) {
			this.offered.add(head);
			head.offer().catch(() => head.fail(peerGone()));
		}
	}

	private activeIncoming(): IncomingTransfer | undefined {
		return this.transfers.find(
			(t): t is IncomingTransfer => t instanceof IncomingTransfer && t.status === 'active',
		);
	}

	private onMessage(data: ArrayBuffer): void {
		const frame = decodeFrame(data);
		if (!frame.ok) return this.break(`the other device sent a bad frame (${frame.error.reason})`);
		if (frame.value.kind === 'data') {
			const { fileIndex, offset, payload } = frame.value;
			const incoming = this.activeIncoming();
			if (!incoming) return this.break('file data arrived with no transfer accepted');
			incoming.onData(fileIndex, offset, payload);
			return;
		}
		this.onControl(frame.value.message);
	}

	private onControl(message: ControlMessage): void {
		if (message.t === 'text') return this.events.text(message.text);
		if (message.t === 'offer') {
			if (this.find(message.transfer)) return this.break('a transfer id was reused');
			this.transfers.push(
				new IncomingTransfer(message.transfer, message.files, this.channel, () => this.onChange()),
			);
			this.events.changed();
			return;
		}
		const transfer = this.find(message.transfer);
		if (!transfer) return;
		if (transfer instanceof OutgoingTransfer) transfer.onControl(message);
		else if (transfer instanceof IncomingTransfer) transfer.onControl(message);
	}

	private break(reason: string): void {
		const error = userError(`The transfer stopped: ${reason}.`, 'Reload both pages and pair again.');
		this.failAll(error);
		this.events.broken(error);
	}
}
