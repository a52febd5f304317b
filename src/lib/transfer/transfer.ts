// What sending and receiving share: the per-file and total progress a screen shows, speed and ETA, and
// the rules for when a transfer has ended. Sender and receiver extend it with their own half of the protocol.
import type { UserError } from '../errors';
import type { FrameChannel } from '../rtc/channel';
import { encodeControl, type ControlMessage, type FileMeta } from '../protocol/frames';
import { SpeedMeter, etaSeconds } from './progress';
import { isFinished, type FileStatus, type FileView, type TransferStatus, type TransferView } from './types';

const isOpenStatus = (status: FileStatus): boolean =>
	status === 'waiting' || status === 'active' || status === 'verifying';

export abstract class Transfer {
	status: TransferStatus;
	error: UserError | undefined;
	readonly files: FileView[];
	private readonly meter = new SpeedMeter();

	constructor(
		readonly id: string,
		readonly direction: 'send' | 'receive',
		metas: FileMeta[],
		status: TransferStatus,
		protected readonly channel: FrameChannel,
		protected readonly changed: () => void,
	) {
		this.status = status;
		this.files = metas.map((m) => ({
			name: m.name,
			size: m.size,
			type: m.type,
			bytes: 0,
			status: 'waiting',
		}));
	}

	get bytes(): number {
		return this.files.reduce((sum, f) => sum + f.bytes, 0);
	}

	get total(): number {
		return this.files.reduce((sum, f) => sum + f.size, 0);
	}

	/** Where the files are being saved, in words (only a receiver knows). */
	get savedTo(): string | undefined {
		return undefined;
	}

	view(): TransferView {
		const bytesPerSecond = this.status === 'active' ? this.meter.bytesPerSecond() : 0;
		const remaining = this.files
			.filter((f) => f.status === 'waiting' || f.status === 'active')
			.reduce((sum, f) => sum + f.size - f.bytes, 0);
		return {
			id: this.id,
			direction: this.direction,
			status: this.status,
			files: this.files.map((f) => ({ ...f })),
			bytes: this.bytes,
			total: this.total,
			bytesPerSecond,
			etaSeconds: etaSeconds(remaining, bytesPerSecond),
			savedTo: this.savedTo,
			error: this.error,
		};
	}

	/** Called by the hub when the peer left for good: unfinished files fail, nothing reports success. */
	abstract fail(error: UserError): void;

	/** Called by the hub when the channel dropped but the peer may come back. */
	abstract pause(): void;

	/** Adds (or, for bytes that must be sent again, subtracts) progress on one file. */
	protected progressed(index: number, bytes: number): void {
		this.files[index].bytes += bytes;
		this.meter.sample(performance.now(), this.bytes);
		this.changed();
	}

	protected setFile(index: number, status: FileStatus, error?: UserError): void {
		this.files[index].status = status;
		if (error) this.files[index].error = error;
		this.settleIfFinished();
		this.changed();
	}

	protected isOpen(index: number): boolean {
		return isOpenStatus(this.files[index].status);
	}

	protected end(status: TransferStatus, error?: UserError): void {
		if (isFinished(this.status)) return;
		this.status = status;
		this.error = error;
		for (const file of this.files) {
			if (isOpenStatus(file.status)) file.status = status === 'failed' ? 'failed' : 'cancelled';
		}
		this.changed();
	}

	protected async send(message: ControlMessage, stillWanted?: () => boolean): Promise<void> {
		await this.channel.send(encodeControl(message), stillWanted);
	}

	/** A transfer is done when no file is still open; done if at least one file arrived, else cancelled. */
	private settleIfFinished(): void {
		if (this.status !== 'active' || this.files.some((f) => isOpenStatus(f.status))) return;
		const anyDone = this.files.some((f) => f.status === 'done');
		const anyFailed = this.files.some((f) => f.status === 'failed');
		this.status = anyFailed ? 'failed' : anyDone ? 'done' : 'cancelled';
	}
}
