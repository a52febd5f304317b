// What sending and receiving share: the per-file and total progress a screen shows, speed and ETA, and
// the rules for when a transfer has ended. Sender and receiver extend it with their own half of the protocol.
import { localError, pathReason, type Messages, type UserError } from '../errors';
import { encodeControl, type CancelReason, type ControlMessage, type FileMeta } from '../protocol/frames';
import type { PathProblem } from '../protocol/paths';
import type { FrameChannel } from './channel';
import { SpeedMeter, etaSeconds } from './progress';
import { isFinished, type FileStatus, type FileView, type TransferStatus, type TransferView } from './types';

/** What the hub hands every transfer: the channel, a change callback, and the clock for speed and ETA. */
export interface TransferContext {
	readonly channel: FrameChannel;
	readonly changed: () => void;
	/** Milliseconds on a monotonic clock (performance.now() in the app). */
	readonly now: () => number;
}

type Words = (m: Messages) => string;

/** How each reason the other device gives for a cancel reads here (a person's cancel is no failure). */
const PEER_FAILURES: Record<Exclude<CancelReason, 'cancelled'>, [message: Words, hint: Words]> = {
	refused: [(m) => m.peer_refused(), (m) => m.transfer_rename_hint()],
	unreadable: [(m) => m.peer_unreadable(), (m) => m.peer_unreadable_hint()],
	'disk-full': [(m) => m.peer_disk_full(), (m) => m.peer_disk_full_hint()],
	'not-allowed': [(m) => m.peer_not_allowed(), (m) => m.peer_not_allowed_hint()],
	'not-saved': [(m) => m.peer_not_saved(), (m) => m.transfer_send_again_hint()],
	unverified: [(m) => m.peer_unverified(), (m) => m.transfer_send_again_hint()],
	protocol: [(m) => m.peer_protocol(), (m) => m.transfer_update_hint()],
	failed: [(m) => m.peer_failed(), (m) => m.transfer_send_again_hint()],
};

/** What the other device's cancel means here: undefined for a person's cancel, else the failure, worded here. */
export function peerFailure(reason: CancelReason): UserError | undefined {
	if (reason === 'cancelled') return undefined;
	const [message, hint] = PEER_FAILURES[reason];
	return localError(message, hint);
}

/** Files that cannot be offered as they are (a path the receiver would refuse); nothing is sent. */
export const unsendable = (problem: PathProblem): UserError =>
	localError(
		(m) => m.send_path_refused({ reason: pathReason(m, problem) }),
		(m) => m.transfer_rename_hint(),
	);

const isOpenStatus = (status: FileStatus): boolean =>
	status === 'waiting' || status === 'active' || status === 'verifying';

export abstract class Transfer {
	status: TransferStatus;
	error: UserError | undefined;
	readonly files: FileView[];
	private readonly meter = new SpeedMeter();
	/** The files' bytes added up as they change: a sum over 10,000 files for every frame made them slow. */
	private moved = 0;
	protected readonly channel: FrameChannel;
	protected readonly changed: () => void;
	private readonly now: () => number;

	constructor(
		readonly id: string,
		readonly direction: 'send' | 'receive',
		metas: readonly FileMeta[],
		status: TransferStatus,
		context: TransferContext,
		/** The offer's empty folders, by path. */
		readonly folders: readonly string[],
	) {
		this.channel = context.channel;
		this.changed = context.changed;
		this.now = context.now;
		this.status = status;
		this.files = metas.map((m) => ({
			name: m.name,
			...(m.path === undefined ? {} : { path: m.path }),
			size: m.size,
			type: m.type,
			bytes: 0,
			status: 'waiting',
		}));
	}

	get bytes(): number {
		return this.moved;
	}

	get total(): number {
		return this.files.reduce((sum, f) => sum + f.size, 0);
	}

	/** Bytes per second over the last few seconds of progress. */
	protected get bytesPerSecond(): number {
		return this.meter.bytesPerSecond();
	}

	/** Where the files are being saved, in words (only a receiver knows). */
	/** Whether what is saved goes out as one stream (receiving into a ZIP download). */
	get oneStream(): boolean {
		return false;
	}

	get savedTo(): string | undefined {
		return undefined;
	}

	view(): TransferView {
		const bytesPerSecond = this.status === 'active' ? this.bytesPerSecond : 0;
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
			...(this.oneStream ? { oneStream: true } : {}),
			error: this.error,
			...(this.folders.length > 0 ? { folders: this.folders } : {}),
		};
	}

	/** A control message for this transfer, already validated by the codec, from the other device. */
	abstract onControl(message: ControlMessage): void;

	/** This user cancels one file (index) or everything (null); the other device is told. */
	abstract cancel(index: number | null): void;

	/** Called by the hub when the peer left for good: unfinished files fail, nothing reports success. */
	abstract fail(error: UserError): void;

	/** Called by the hub when the channel dropped but the peer may come back. */
	abstract pause(): void;

	/** Adds (or, for bytes that must be sent again, subtracts) progress on one file. */
	protected progressed(index: number, bytes: number): void {
		this.files[index].bytes += bytes;
		this.moved += bytes;
		this.meter.sample(this.now(), this.moved);
		this.changed();
	}

	/** Sets one file's progress outright, as when sending it starts again from `bytes`. */
	protected restartedAt(index: number, bytes: number): void {
		this.moved += bytes - this.files[index].bytes;
		this.files[index].bytes = bytes;
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
		this.ended();
		this.changed();
	}

	/** The transfer has just reached its end (`status` is final); runs once. */
	protected ended(): void {}

	protected async send(message: ControlMessage, stillWanted?: () => boolean): Promise<void> {
		await this.channel.send((headroom) => encodeControl(message, headroom), stillWanted);
	}

	/** A transfer is done when no file is still open; done if at least one file arrived, else cancelled. */
	protected settleIfFinished(): void {
		const running = this.status === 'active' || this.status === 'paused';
		// Looked for from the end: files go in order, so the last stays open until the end and this is short.
		if (!running || this.files.findLast((f) => isOpenStatus(f.status)) !== undefined) return;
		const anyDone = this.files.some((f) => f.status === 'done');
		const anyFailed = this.files.some((f) => f.status === 'failed');
		this.status = anyFailed ? 'failed' : anyDone ? 'done' : 'cancelled';
		this.ended();
	}
}
