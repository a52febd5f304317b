// Receives data frames in order, checks each 1 MiB block against the sender's SHA-256 before it is written,
// batches verified blocks into ~4 MiB disk writes (one write per message cost a third of the speed), and
// grants the sender credit only as writes complete, so memory stays flat. A damaged block is re-requested.
import { fileError, isolate, localError, pathReason, type UserError } from '../errors';
import type { CancelReason, ControlMessage, FileMeta, Offer } from '../protocol/frames';
import type { PathProblem } from '../protocol/paths';
import type { FileSink, SaveTarget } from '../sinks/sink';
import { ChannelClosedError } from './channel';
import { toBase64 } from '../protocol/base64';
import { BLOCK_BYTES, blockLength, concat, fileDigest, sha256 } from './blocks';
import {
	CREDIT_WINDOW_BYTES,
	WRITE_BATCH_BYTES,
	WriteBatcher,
	creditAfterWrite,
	creditWindow,
} from './credit';
import { Transfer, peerFailure, type TransferContext } from './transfer';
import { isFinished } from './types';

interface OpenFile {
	index: number;
	sink: FileSink;
	batcher: WriteBatcher;
	/** Bytes checked against their block digest and handed to the writer. */
	verified: number;
	/** Chunks of the block being received, not yet checked. */
	pending: Uint8Array[];
	pendingBytes: number;
	digests: Uint8Array[];
}

/** The sender sent something that contradicts the protocol: the transfer cannot go on. */
class ProtocolViolation extends Error {}

/** What the sender is told when saving a file failed with `error` (as `fileError` words it here). */
function saveFailure(error: unknown): CancelReason {
	switch (error instanceof DOMException ? error.name : '') {
		case 'QuotaExceededError':
			return 'disk-full';
		case 'NotAllowedError':
		case 'SecurityError':
			return 'not-allowed';
		default:
			return 'not-saved';
	}
}

export class IncomingTransfer extends Transfer {
	private target: SaveTarget | undefined;
	private current: OpenFile | undefined;
	/** Data bytes taken off the current channel and written (or discarded): the base of the credit. */
	private consumed = 0;
	/** Data bytes that arrived on the current channel, and the cumulative credit granted on it. */
	private arrived = 0;
	private granted = 0;
	/** A damaged block was reported; everything until the sender's `rewound` marker is stale. */
	private awaitingRewind = false;
	/**
	 * The link dropped and the queue still holds what arrived on it: those blocks are checked and kept, so the
	 * resume asks only for what never arrived (a loaded machine's queue lagged 2 MiB behind, all re-sent).
	 */
	private draining = false;
	/** This transfer ended and has said so again on a new channel (see reconfirm). */
	private reconfirmed = false;
	/** Why this transfer failed, as the sender is told it (again, on a new channel); set with `error`. */
	private failure: CancelReason | undefined;
	/** Frames are handled one after another, in arrival order, while disk writes are awaited. */
	private queue: Promise<void> = Promise.resolve();

	readonly metas: FileMeta[];

	constructor(id: string, offer: Offer, context: TransferContext) {
		super(id, 'receive', offer.files, 'incoming', context, offer.folders);
		this.metas = offer.files;
	}

	/** The user chose where to save: from then on data frames are this transfer's. */
	get accepted(): boolean {
		return this.target !== undefined;
	}

	override get oneStream(): boolean {
		return this.target?.oneStream === true;
	}

	override get savedTo(): string | undefined {
		return this.target?.description;
	}

	async accept(target: SaveTarget): Promise<void> {
		if (this.status !== 'incoming') return;
		this.target = target;
		this.status = 'active';
		this.granted = CREDIT_WINDOW_BYTES;
		// Every file may have been cancelled while the offer waited for this answer.
		this.settleIfFinished();
		this.changed();
		// The empty folders are made before the first file opens.
		const makeFolders = target.folders?.bind(target);
		if (this.folders.length > 0 && makeFolders) this.enqueue(() => makeFolders(this.folders));
		await this.send({ t: 'accept', transfer: this.id, credit: CREDIT_WINDOW_BYTES });
	}

	async decline(): Promise<void> {
		if (this.status !== 'incoming') return;
		this.end('declined');
		await this.send({ t: 'decline', transfer: this.id });
	}

	onData(fileIndex: number, offset: number, payload: Uint8Array): void {
		// Counted on arrival, not in the queue: a sender that ignores its credit must not fill memory.
		this.arrived += payload.byteLength;
		if (this.arrived > this.granted) {
			return this.stop(
				localError(
					(m) => m.transfer_too_much_data(),
					(m) => m.transfer_update_hint(),
				),
				'protocol',
			);
		}
		// Each message event has its own ArrayBuffer, so the payload view stays valid in the queue.
		this.enqueue(() => this.handleData(fileIndex, offset, payload));
	}

	onControl(message: ControlMessage): void {
		switch (message.t) {
			case 'block':
				return this.enqueue(() => this.checkBlock(message.index, message.block, message.sha256));
			case 'rewound':
				return this.enqueue(async () => this.rewound(message.index, message.offset));
			case 'file-end':
				return this.enqueue(() => this.finishFile(message.index, message.sha256));
			case 'cancel':
				return this.cancelled(message.index, message.reason);
		}
	}

	cancel(index: number | null): void {
		this.cancelled(index);
	}

	/** The channel dropped: keep the open file and everything verified, forget the unchecked block. */
	pause(): void {
		if (this.status !== 'active') return;
		this.status = 'paused';
		this.draining = true;
		this.arrived = 0;
		this.granted = 0;
		this.changed();
		this.enqueue(async () => {
			this.draining = false;
			const file = this.current;
			if (file) {
				this.progressed(file.index, -file.pendingBytes);
				file.pending = [];
				file.pendingBytes = 0;
			}
			this.awaitingRewind = false;
			this.consumed = 0;
		});
	}

	/** A new channel is open: confirm what is done and ask the sender to go on from the last verified block. */
	resume(): void {
		if (this.status !== 'paused') return this.reconfirm();
		this.enqueue(async () => {
			// A file that was being verified when the link dropped may have ended the transfer meanwhile: the
			// file-done of an earlier file may have been lost with the old channel, so say again how it ended.
			if (this.status !== 'paused') return this.reconfirm();
			this.status = 'active';
			this.changed();
			await this.confirmDone();
			// Files cancelled here while the link was down: the sender must not send or wait for them.
			for (const [index, file] of this.files.entries()) {
				if (file.status === 'cancelled')
					await this.send({ t: 'cancel', transfer: this.id, index, reason: 'cancelled' });
			}
			const index = this.current?.index ?? this.files.findIndex((f) => f.status === 'waiting');
			if (index < 0) return;
			const offset = this.current?.verified ?? 0;
			this.granted = CREDIT_WINDOW_BYTES;
			await this.send({ t: 'resume', transfer: this.id, index, offset, credit: CREDIT_WINDOW_BYTES });
		});
	}

	/** The offer holds a path that cannot be saved (`problem`): it fails whole, and the sender is told why. */
	refuse(problem: PathProblem): void {
		this.failure = 'refused';
		this.end(
			'failed',
			localError(
				(m) => m.transfer_refused({ reason: pathReason(m, problem) }),
				(m) => m.transfer_refused_hint(),
			),
		);
		this.tellRefused();
	}

	private tellRefused(): void {
		void this.send({ t: 'cancel', transfer: this.id, index: null, reason: this.endReason() }).catch(() => {});
	}

	/** The sender offered this transfer again: its copy of the answer was lost with the old channel. */
	reoffered(): void {
		if (this.status === 'declined') void this.send({ t: 'decline', transfer: this.id }).catch(() => {});
		// Failed before anyone accepted it: refused.
		else if (this.status === 'failed' && !this.target) this.tellRefused();
		else if (this.status === 'cancelled' || this.status === 'failed') this.reconfirm();
	}

	/**
	 * Once, on a new channel after this transfer ended: says again how it ended, since the last file-done
	 * or cancel may have been lost with the old channel and the sender would wait for it for ever.
	 */
	private reconfirm(): void {
		if (this.reconfirmed || !this.target || !isFinished(this.status)) return;
		this.reconfirmed = true;
		this.enqueue(async () => {
			await this.confirmDone();
			if (this.status !== 'done') {
				await this.send({ t: 'cancel', transfer: this.id, index: null, reason: this.endReason() });
			}
		});
	}

	private async confirmDone(): Promise<void> {
		for (const [index, file] of this.files.entries()) {
			if (file.status === 'done')
				await this.send({ t: 'file-done', transfer: this.id, index, size: file.size });
		}
	}

	private endReason(): CancelReason {
		return (this.status === 'failed' && this.failure) || 'cancelled';
	}

	/** A target that is one stream (a ZIP, a streamed download) ends with the transfer: whole, or with why not. */
	protected override ended(): void {
		if (this.status === 'done') this.target?.finish?.();
		else this.target?.fail?.(this.error?.message ?? 'The transfer was cancelled.');
	}

	fail(error: UserError): void {
		this.failure ??= 'failed';
		const open = this.current;
		this.current = undefined;
		this.end('failed', error);
		if (open) void open.sink.abort();
	}

	private enqueue(task: () => Promise<void>): void {
		this.queue = this.queue.then(task).catch((error: unknown) => this.failWith(error));
	}

	private failWith(error: unknown): void {
		// A send that met a closed channel is not a failure: the hub pauses or fails the transfer itself.
		if (error instanceof ChannelClosedError) return;
		const name = this.files[this.openIndex()]?.name ?? '';
		if (!(error instanceof ProtocolViolation)) return this.stop(fileError(error, name), saveFailure(error));
		const detail = error.message;
		this.stop(
			localError(
				(m) => m.transfer_out_of_order({ name: isolate(name), detail }),
				(m) => m.transfer_send_it_again_hint(),
			),
			'protocol',
		);
	}

	/** Ends the transfer with `failure` and tells the sender why, as `reason`. */
	private stop(failure: UserError, reason: CancelReason): void {
		if (this.status !== 'active' && this.status !== 'paused') return;
		const index = this.openIndex();
		this.failure = reason;
		void this.send({ t: 'cancel', transfer: this.id, index: null, reason }).catch(() => {});
		if (index >= 0) this.files[index].error = failure;
		this.fail(failure);
	}

	/** The file a failure is about: the one being saved or checked, else the next to be. */
	private openIndex(): number {
		return this.current?.index ?? this.files.findIndex((_, index) => this.isOpen(index));
	}

	/** Data, block digests and file ends are taken on a live link and from what arrived before it dropped. */
	private takingData(index: number): boolean {
		const live = this.status === 'active' || (this.status === 'paused' && this.draining);
		return live && !this.awaitingRewind && !!this.files[index] && this.isOpen(index);
	}

	private async handleData(fileIndex: number, offset: number, payload: Uint8Array): Promise<void> {
		if (!this.takingData(fileIndex)) return this.consume(payload.byteLength);
		const file = await this.fileFor(fileIndex);
		const expected = file.verified + file.pendingBytes;
		if (offset !== expected) throw new ProtocolViolation(`data at ${offset}, expected ${expected}`);
		const size = this.metas[fileIndex].size;
		if (offset + payload.byteLength > size) {
			throw new ProtocolViolation(`data past the end of the file at ${size} bytes`);
		}
		if (file.pendingBytes + payload.byteLength > BLOCK_BYTES) throw new ProtocolViolation('block too long');
		file.pending.push(payload);
		file.pendingBytes += payload.byteLength;
		this.progressed(fileIndex, payload.byteLength);
	}

	private async checkBlock(index: number, block: number, digest: string): Promise<void> {
		const file = this.current;
		if (!this.takingData(index) || file?.index !== index) return;
		const length = blockLength(this.metas[index].size, block);
		if (block * BLOCK_BYTES !== file.verified || file.pendingBytes !== length) {
			throw new ProtocolViolation(`block ${block} does not match the data received`);
		}
		const bytes = concat(file.pending, length);
		file.pending = [];
		file.pendingBytes = 0;
		const actual = await sha256(bytes);
		if (toBase64(actual) === digest) {
			file.digests[block] = actual;
			file.verified += length;
			// Not awaited, so the disk write of one batch overlaps checking the next blocks instead of
			// stalling them. Memory stays bounded: credit is granted only as writes complete, and the
			// batcher keeps its writes in order; a failed write fails the transfer here and at flush. A file
			// cancelled meanwhile had its writable aborted, which fails the writes queued behind: that is its
			// end, not the transfer's (the browser rejects them with the abort's reason, undefined).
			file.batcher.push(bytes).catch((error: unknown) => {
				if (this.isOpen(index)) this.failWith(error);
			});
			return;
		}
		this.progressed(index, -length);
		this.files[index].notice = { resentBlock: block + 1 };
		// Checked after the link dropped: the resume asks for it again, from the last verified block.
		if (this.status !== 'active') return;
		this.awaitingRewind = true;
		await this.consume(length);
		await this.send({ t: 'rewind', transfer: this.id, index, offset: file.verified });
	}

	/** The sender's marker after a rewind: from here on its data is the re-sent copy. */
	private rewound(index: number, offset: number): void {
		if (!this.awaitingRewind) return;
		const at = { index: this.current?.index ?? index, offset: this.current?.verified ?? 0 };
		if (at.index !== index || at.offset !== offset) {
			throw new ProtocolViolation(`rewound to ${offset}, asked for ${at.offset}`);
		}
		this.awaitingRewind = false;
	}

	private async fileFor(index: number): Promise<OpenFile> {
		// A cancel may overtake the frames of the file it ended: that file is left behind here.
		await this.dropEndedFile();
		if (this.current?.index === index) return this.current;
		if (this.current)
			throw new ProtocolViolation(`file ${index} started before file ${this.current.index} ended`);
		if (!this.target) throw new Error('no save target');
		this.files[index].status = 'active';
		const sink = await this.target.open(index, this.metas[index]);
		const batcher = new WriteBatcher(
			async (batch) => {
				await sink.write(batch);
				await this.consume(batch.byteLength);
			},
			WRITE_BATCH_BYTES,
			this.metas[index].size,
		);
		this.current = { index, sink, batcher, verified: 0, pending: [], pendingBytes: 0, digests: [] };
		return this.current;
	}

	private async consume(bytes: number): Promise<void> {
		this.consumed += bytes;
		if (this.status !== 'active') return;
		const credit = creditAfterWrite(
			this.consumed,
			creditWindow(this.bytesPerSecond, this.channel.roundTripMs),
		);
		this.granted = Math.max(this.granted, credit);
		// A credit lost with a closing channel is replaced by the next channel's window; it must not fail
		// the disk write that called this (the file's writer would refuse every later write).
		await this.send({ t: 'credit', transfer: this.id, credit }).catch((error: unknown) => {
			if (!(error instanceof ChannelClosedError)) throw error;
		});
	}

	private async finishFile(index: number, digest: string): Promise<void> {
		// Also after the link dropped: a file-done lost with it is said again on the next link (confirmDone).
		if (!this.takingData(index)) return;
		const file = await this.fileFor(index);
		const size = this.metas[index].size;
		if (file.pendingBytes !== 0 || file.verified !== size) {
			throw new ProtocolViolation(`file ended after ${file.verified + file.pendingBytes} of ${size} bytes`);
		}
		this.files[index].status = 'verifying';
		this.changed();
		await file.batcher.flush();
		this.current = undefined;
		const whole = (await fileDigest(file.digests)) === digest;
		// Cancelled while it was being checked: nothing of it is kept.
		if (!this.isOpen(index)) return file.sink.abort();
		if (!whole) return this.unverified(index, file.sink);
		const saved = await file.sink.close();
		if (saved !== size) return this.unverified(index, file.sink);
		this.setFile(index, 'done');
		await this.send({ t: 'file-done', transfer: this.id, index, size });
	}

	/** The file's digest or its size on disk is wrong: it is removed, and the sender told why. */
	private async unverified(index: number, sink: FileSink): Promise<void> {
		await sink.abort();
		const name = isolate(this.metas[index].name);
		this.setFile(
			index,
			'failed',
			localError(
				(m) => m.transfer_unverified({ name }),
				(m) => m.transfer_ask_again_hint(),
			),
		);
		// The sender waits for this file's file-done: tell it why none will come.
		await this.send({ t: 'cancel', transfer: this.id, index, reason: 'unverified' });
	}

	/**
	 * One file (index) or everything (null) ends here at once: cancelled by this user, or by the sender for
	 * `reason` (a failure unless a person cancelled there).
	 * Frames already queued for it are then discarded, and its partial file is removed in queue order.
	 */
	private cancelled(index: number | null, reason?: CancelReason): void {
		if (index === null ? isFinished(this.status) : !this.isOpen(index)) return;
		if (!reason)
			void this.send({ t: 'cancel', transfer: this.id, index, reason: 'cancelled' }).catch(() => {});
		const failure = reason && peerFailure(reason);
		if (index !== null) this.setFile(index, failure ? 'failed' : 'cancelled', failure);
		else if (failure) {
			this.failure = reason;
			this.end('failed', failure);
		} else this.end('cancelled');
		this.enqueue(() => this.dropEndedFile());
	}

	private async dropEndedFile(): Promise<void> {
		const open = this.current;
		if (!open || this.isOpen(open.index)) return;
		this.current = undefined;
		await open.sink.abort();
	}
}
