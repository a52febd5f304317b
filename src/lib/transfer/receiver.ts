// Receives data frames in order, batches them into ~4 MiB disk writes (one write per message cost a third
// of the speed) and grants the sender more credit only as writes complete, so memory stays flat.
import { fileError, userError, type UserError } from '../errors';
import type { FrameChannel } from '../rtc/channel';
import type { ControlMessage, FileMeta } from '../protocol/frames';
import type { FileSink, SaveTarget } from '../sinks/sink';
import { CREDIT_WINDOW_BYTES, WriteBatcher, creditAfterWrite } from './credit';
import { Transfer } from './transfer';

interface OpenFile {
	index: number;
	sink: FileSink;
	batcher: WriteBatcher;
	/** Next offset expected from the sender. */
	received: number;
}

export class IncomingTransfer extends Transfer {
	private target: SaveTarget | undefined;
	private current: OpenFile | undefined;
	/** Data bytes taken off the channel and written (or discarded): the base of the credit we grant. */
	private consumed = 0;
	/** Frames are handled one after another, in arrival order, while disk writes are awaited. */
	private queue: Promise<void> = Promise.resolve();

	constructor(
		id: string,
		readonly metas: FileMeta[],
		channel: FrameChannel,
		changed: () => void,
	) {
		super(id, 'receive', metas, 'incoming', channel, changed);
	}

	get savedTo(): string | undefined {
		return this.target?.description;
	}

	async accept(target: SaveTarget): Promise<void> {
		if (this.status !== 'incoming') return;
		this.target = target;
		this.status = 'active';
		this.changed();
		await this.send({ t: 'accept', transfer: this.id, credit: CREDIT_WINDOW_BYTES });
	}

	async decline(): Promise<void> {
		if (this.status !== 'incoming') return;
		this.end('declined');
		await this.send({ t: 'decline', transfer: this.id });
	}

	onData(fileIndex: number, offset: number, payload: Uint8Array): void {
		// Each message event has its own ArrayBuffer, so the payload view stays valid in the queue.
		this.enqueue(() => this.handleData(fileIndex, offset, payload));
	}

	onControl(message: ControlMessage): void {
		if (message.t === 'file-end') this.enqueue(() => this.finishFile(message.index));
		else if (message.t === 'cancel') this.enqueue(() => this.cancelled(message.index, false));
	}

	cancel(index: number | null): void {
		this.enqueue(() => this.cancelled(index, true));
	}

	fail(error: UserError): void {
		const open = this.current;
		this.current = undefined;
		this.end('failed', error);
		if (open) void open.sink.abort();
	}

	private enqueue(task: () => Promise<void>): void {
		this.queue = this.queue.then(task).catch((error: unknown) => this.failWith(error));
	}

	private failWith(error: unknown): void {
		if (this.status !== 'active') return;
		const index = this.current?.index ?? this.files.findIndex((f) => f.status === 'active');
		const failure = fileError(error, this.files[index]?.name ?? 'the file');
		void this.send({ t: 'cancel', transfer: this.id, index: null, reason: failure.message }).catch(() => {});
		if (index >= 0) this.files[index].error = failure;
		this.fail(failure);
	}

	private async handleData(fileIndex: number, offset: number, payload: Uint8Array): Promise<void> {
		if (this.status !== 'active' || !this.files[fileIndex] || !this.isOpen(fileIndex)) {
			await this.consume(payload.byteLength);
			return;
		}
		const file = await this.fileFor(fileIndex);
		if (offset !== file.received || offset + payload.byteLength > this.files[fileIndex].size) {
			throw new Error(`unexpected data for file ${fileIndex} at ${offset} (expected ${file.received})`);
		}
		file.received += payload.byteLength;
		await file.batcher.push(payload);
		this.progressed(fileIndex, payload.byteLength);
	}

	private async fileFor(index: number): Promise<OpenFile> {
		if (this.current?.index === index) return this.current;
		if (!this.target) throw new Error('no save target');
		const target = this.target;
		this.files[index].status = 'active';
		const sink = await target.open(index, this.metas[index]);
		const batcher = new WriteBatcher(async (batch) => {
			await sink.write(batch);
			await this.consume(batch.byteLength);
		});
		this.current = { index, sink, batcher, received: 0 };
		return this.current;
	}

	private async consume(bytes: number): Promise<void> {
		this.consumed += bytes;
		await this.send({ t: 'credit', transfer: this.id, credit: creditAfterWrite(this.consumed) });
	}

	private async finishFile(index: number): Promise<void> {
		if (this.status !== 'active' || !this.files[index] || !this.isOpen(index)) return;
		const file = await this.fileFor(index);
		this.files[index].status = 'verifying';
		this.changed();
		await file.batcher.flush();
		const size = await file.sink.close();
		this.current = undefined;
		if (size !== this.metas[index].size || file.received !== size) {
			this.setFile(
				index,
				'failed',
				userError(
					`“${this.metas[index].name}” was not saved completely.`,
					'Ask the sender to send it again.',
				),
			);
			return;
		}
		this.setFile(index, 'done');
		await this.send({ t: 'file-done', transfer: this.id, index, size });
	}

	private async cancelled(index: number | null, tellPeer: boolean): Promise<void> {
		if (tellPeer) {
			await this.send({ t: 'cancel', transfer: this.id, index, reason: 'cancelled by receiver' }).catch(
				() => {},
			);
		}
		const open = this.current;
		if (index === null) {
			this.current = undefined;
			this.end('cancelled');
			if (open) await open.sink.abort();
			return;
		}
		if (!this.isOpen(index)) return;
		if (open?.index === index) {
			this.current = undefined;
			await open.sink.abort();
		}
		this.setFile(index, 'cancelled');
	}
}
