// Routes every frame of the current DataChannel to the one incoming or outgoing transfer it belongs to
// (data frames carry no transfer id, so one transfer per direction runs at a time). The hub outlives
// channels: when one drops, transfers pause; when the next opens, they resume from verified blocks.
import { localError, type Messages, type UserError } from '../errors';
import {
	chunkSizeFor,
	decodeFrame,
	encodeControl,
	MAX_FILES,
	MAX_FOLDERS,
	OfferAssembler,
	offerMessages,
	offerProblem,
	SAFE_MESSAGE_BYTES,
	type ControlMessage,
	type OfferMessage,
	type PeerMessage,
} from '../protocol/frames';
import { randomAlphanumeric } from '../protocol/random';
import { FrameChannel, type FramePort } from './channel';
import { IncomingTransfer } from './receiver';
import { OutgoingTransfer, fileMeta } from './sender';
import { unsendable, type Transfer, type TransferContext } from './transfer';
import { isFinished, type FileSource, type TransferView } from './types';

export interface HubEvents {
	changed(): void;
	/** Text, or a step of the remember handshake: messages that belong to no transfer. */
	message(message: PeerMessage): void;
	/** The peer sent something that breaks the protocol; the hub has stopped. */
	broken(error: UserError): void;
}

export interface HubOptions {
	/** The clock for speed and ETA, in milliseconds (default: performance.now). */
	now?: () => number;
}

export class TransferHub {
	private readonly channel = new FrameChannel();
	private chunkBytes = chunkSizeFor(0);
	/** Control frames (an offer) must fit one message on every browser. */
	private maxMessageSize = SAFE_MESSAGE_BYTES;
	readonly transfers: Transfer[] = [];
	private readonly incoming: IncomingTransfer[] = [];
	private readonly outbox: OutgoingTransfer[] = [];
	private offered = new WeakSet<OutgoingTransfer>();
	/** The frames of an offer that are still arriving; an offer cut off with its channel is offered again. */
	private readonly offers = new OfferAssembler();
	private readonly context: TransferContext;

	constructor(
		private readonly events: HubEvents,
		options: HubOptions = {},
	) {
		this.context = {
			channel: this.channel,
			changed: () => this.onChange(),
			now: options.now ?? (() => performance.now()),
		};
	}

	/** Starts using a newly opened port; paused transfers continue on it. */
	attach(port: FramePort, maxMessageSize: number): void {
		// The old channel may have died without a close event (its connection was closed locally).
		if (this.channel.attached) this.pauseAll();
		this.channel.attach(port);
		this.offers.reset();
		this.chunkBytes = chunkSizeFor(maxMessageSize);
		this.maxMessageSize = Math.min(maxMessageSize || SAFE_MESSAGE_BYTES, SAFE_MESSAGE_BYTES);
		port.listen({
			message: (data) => {
				if (this.channel.isCurrent(port)) this.onMessage(data);
			},
			close: () => this.detach(port),
			broken: (reason) => {
				if (this.channel.isCurrent(port)) this.break((m) => m.transfer_bad_frame({ detail: reason }));
			},
		});
		for (const transfer of this.incoming) transfer.resume();
		this.pump();
		this.events.changed();
	}

	/**
	 * Queues files (with their paths, for a folder sent whole) and the empty folders for sending; they are
	 * offered once any earlier outgoing transfer has finished. Paths the receiver would refuse are refused here.
	 */
	send(files: readonly FileSource[], folders: readonly string[] = []): UserError | null {
		if (files.length === 0) {
			return localError(
				(m) => m.send_no_files(),
				(m) => m.send_no_files_hint(),
			);
		}
		if (files.length > MAX_FILES) {
			return localError(
				(m) => m.send_too_many_files({ count: MAX_FILES }),
				(m) => m.send_fewer_hint(),
			);
		}
		if (folders.length > MAX_FOLDERS) {
			return localError(
				(m) => m.send_too_many_folders({ count: MAX_FOLDERS }),
				(m) => m.send_fewer_hint(),
			);
		}
		const metas = files.map(fileMeta);
		const problem = offerProblem(metas, folders);
		if (problem) return unsendable(problem);
		const id = randomAlphanumeric(16);
		const frames = offerMessages(id, metas, folders, this.maxMessageSize);
		if (!frames.ok) return unsendable(frames.error);
		const transfer = new OutgoingTransfer(id, files, folders, this.chunkBytes, this.context);
		this.transfers.push(transfer);
		this.outbox.push(transfer);
		this.pump();
		this.events.changed();
		return null;
	}

	/** Sends text or a remember step; it fails (rejects) when no channel is open. */
	async sendMessage(message: PeerMessage): Promise<void> {
		await this.channel.send((headroom) => encodeControl(message, headroom));
	}

	find(id: string): Transfer | undefined {
		return this.transfers.find((t) => t.id === id);
	}

	/** The transfer the other device offered under `id`: only these can be accepted or declined. */
	findIncoming(id: string): IncomingTransfer | undefined {
		return this.incoming.find((t) => t.id === id);
	}

	views(): TransferView[] {
		return this.transfers.map((t) => t.view());
	}

	/** The peer is gone for good: every unfinished transfer fails, and nothing reports success. */
	failAll(error: UserError): void {
		this.channel.detach();
		for (const transfer of this.transfers) if (!isFinished(transfer.status)) transfer.fail(error);
		this.outbox.length = 0;
		this.events.changed();
	}

	private detach(port: FramePort): void {
		if (this.channel.isCurrent(port)) this.pauseAll();
	}

	private pauseAll(): void {
		this.channel.detach();
		this.offered = new WeakSet();
		for (const transfer of this.transfers) if (!isFinished(transfer.status)) transfer.pause();
		this.events.changed();
	}

	private onChange(): void {
		this.pump();
		this.events.changed();
	}

	private pump(): void {
		const head = this.outbox[0];
		// Offering while detached would only fail, and mark the head offered on the next channel.
		if (!head || !this.channel.attached) return;
		if (isFinished(head.status)) {
			this.outbox.shift();
			this.pump();
		} else if (head.status === 'offered' && !this.offered.has(head)) {
			this.offered.add(head);
			head.offer(this.maxMessageSize).catch(() => this.offered.delete(head));
		}
	}

	/**
	 * Where data frames go: the transfer accepted last. Once it ended, frames still in flight go there too
	 * (it discards them within the credit it granted); the sender offers the next only after this one ended.
	 */
	private receiving(): IncomingTransfer | undefined {
		return this.incoming.findLast((t) => t.accepted);
	}

	private onMessage(data: Uint8Array<ArrayBuffer>): void {
		const frame = decodeFrame(data);
		if (!frame.ok) return this.break((m) => m.transfer_bad_frame({ detail: frame.error.reason }));
		if (frame.value.kind === 'data') {
			const { fileIndex, offset, payload } = frame.value;
			const incoming = this.receiving();
			if (!incoming) return this.break((m) => m.transfer_data_unaccepted());
			if (fileIndex >= incoming.files.length) {
				return this.break((m) => m.transfer_data_unoffered());
			}
			incoming.onData(fileIndex, offset, payload);
			return;
		}
		const message = frame.value.message;
		if (message.t === 'offer' || message.t === 'offer-part') return this.onOffer(message, data.byteLength);
		this.onControl(message);
	}

	/** One frame of an offer, `bytes` long; the offer is taken once its last frame is there. */
	private onOffer(message: OfferMessage, bytes: number): void {
		const added = this.offers.add(message, bytes);
		if (!added.ok) return this.break((m) => m.transfer_bad_offer({ detail: added.error }));
		const offer = added.value;
		if (!offer) return;
		// A repeated offer (re-sent after a reconnection) is the same transfer.
		if (this.find(message.transfer)) return this.findIncoming(message.transfer)?.reoffered();
		const transfer = new IncomingTransfer(message.transfer, offer, this.context);
		this.transfers.push(transfer);
		this.incoming.push(transfer);
		const problem = offerProblem(offer.files, offer.folders);
		if (problem) transfer.refuse(problem);
		this.events.changed();
	}

	private onControl(message: ControlMessage): void {
		if (!('transfer' in message)) return this.events.message(message);
		const transfer = this.find(message.transfer);
		if (!transfer) return;
		if ('index' in message && message.index !== null && message.index >= transfer.files.length) {
			return this.break((m) => m.transfer_file_unoffered());
		}
		transfer.onControl(message);
	}

	/** The other device broke the protocol (`why`, whose technical detail stays English): everything stops. */
	private break(why: (m: Messages) => string): void {
		const error = localError(why, (m) => m.peer_reload_both_hint());
		this.failAll(error);
		this.events.broken(error);
	}
}
