// Two real TransferHubs (sender and receiver) joined by an in-memory pair, with a clock the test moves, so
// the engine's tests drive whole transfers, reconnections and hostile peers in Node.
import type { UserError } from '../../../src/lib/errors';
import {
	decodeFrame,
	encodeControl,
	encodeData,
	type ControlMessage,
	type Frame,
	type PeerMessage,
} from '../../../src/lib/protocol/frames';
import { toBase64 } from '../../../src/lib/protocol/base64';
import { BLOCK_BYTES, sha256 } from '../../../src/lib/transfer/blocks';
import { TransferHub } from '../../../src/lib/transfer/hub';
import type { IncomingTransfer } from '../../../src/lib/transfer/receiver';
import type { FileSource } from '../../../src/lib/transfer/types';
import type { Transfer } from '../../../src/lib/transfer/transfer';
import { isFinished } from '../../../src/lib/transfer/types';
import { MemoryPair, type MemoryPairOptions, type MemoryPort } from '../../harness/memory-channel';
import type { MemoryTarget } from '../../harness/memory-files';

export interface Peer {
	hub: TransferHub;
	/** Text and remember messages from the other device, in order. */
	messages: PeerMessage[];
	/** Errors the hub stopped with (the other device broke the protocol). */
	broken: UserError[];
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Waits, turn by turn, until `condition` holds; throws (a hang) if it does not within 90 s. A deadline, not a
 * count of turns: digests finish on other threads, so a slower machine spins more turns for the same work (50,000
 * files took 0.57 M turns here and over 2 M on CI).
 */
export async function until(condition: () => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 90_000;
	while (Date.now() < deadline) {
		if (condition()) return;
		await nextTurn();
	}
	throw new Error(`hang: still waiting for ${what}`);
}

/** Waits until nothing has crossed `pair` for 50 turns in a row and nothing is in flight. */
export async function quiet(pair: MemoryPair): Promise<void> {
	let seen = -1;
	let still = 0;
	for (let turn = 0; turn < 20_000 && still < 50; turn++) {
		still = pair.count === seen && pair.inFlight === 0 ? still + 1 : 0;
		seen = pair.count;
		await nextTurn();
	}
	if (still < 50) throw new Error('hang: the link never went quiet');
}

export const MiB = 1024 * 1024;

export interface PairingOptions extends MemoryPairOptions {
	/** The SCTP message size both hubs are told (default 256 KiB: 5 data frames per 1 MiB block). */
	maxMessageSize?: number;
}

export class Pairing {
	/** The clock both hubs read, in milliseconds. */
	clock: () => number = () => 0;
	readonly sender: Peer;
	readonly receiver: Peer;
	pair!: MemoryPair;

	constructor(private readonly options: PairingOptions = {}) {
		this.sender = this.peer();
		this.receiver = this.peer();
		this.connect();
	}

	/** A new link between the two hubs (after the old one vanished): paused transfers resume on it. */
	connect(options: MemoryPairOptions = {}): MemoryPair {
		this.pair = new MemoryPair({ ...this.options, ...options });
		this.sender.hub.attach(this.pair.a, this.messageSize);
		this.receiver.hub.attach(this.pair.b, this.messageSize);
		return this.pair;
	}

	/**
	 * A new link on which the receiver starts first: what it sends has arrived before the sender's hub
	 * listens, as when one device authenticates the other later than its channel opened.
	 */
	async connectSenderLate(): Promise<MemoryPair> {
		this.pair = new MemoryPair(this.options);
		this.receiver.hub.attach(this.pair.b, this.messageSize);
		await until(() => this.pair.count > 0 && this.pair.inFlight === 0, 'the receiver to speak first');
		this.sender.hub.attach(this.pair.a, this.messageSize);
		return this.pair;
	}

	/** The SCTP message size both hubs are told. */
	private get messageSize(): number {
		return this.options.maxMessageSize ?? 256 * 1024;
	}

	get outgoing(): Transfer {
		const transfer = this.sender.hub.transfers.at(-1);
		if (!transfer) throw new Error('nothing was sent');
		return transfer;
	}

	get incoming(): IncomingTransfer {
		const transfer = this.receiver.hub.findIncoming(this.outgoing.id);
		if (!transfer) throw new Error('the offer did not arrive');
		return transfer;
	}

	/** Sends `files` and waits until the receiver sees the offer. */
	async offer(files: readonly FileSource[]): Promise<IncomingTransfer> {
		const problem = this.sender.hub.send(files);
		if (problem) throw new Error(problem.message);
		await until(() => this.receiver.hub.findIncoming(this.outgoing.id) !== undefined, 'the offer');
		return this.incoming;
	}

	/** Sends `files`, accepts them into `target`, and waits until both sides have finished. */
	async transfer(files: readonly FileSource[], target: MemoryTarget): Promise<void> {
		const incoming = await this.offer(files);
		await incoming.accept(target);
		await this.finished();
	}

	async finished(): Promise<void> {
		await until(
			() => isFinished(this.outgoing.status) && isFinished(this.incoming.status),
			'both sides to finish',
		);
	}

	private peer(): Peer {
		return hubPeer(() => this.clock());
	}
}

/** A device's hub on clock `now`, keeping what the other device sent it. */
function hubPeer(now: () => number): Peer {
	const peer: Peer = {
		messages: [],
		broken: [],
		hub: new TransferHub(
			{
				changed: () => {},
				message: (message) => peer.messages.push(message),
				broken: (error) => peer.broken.push(error),
			},
			{ now },
		),
	};
	return peer;
}

/** A plain-words error: a sentence and a hint, never a raw exception's text. */
export function isPlainError(error: UserError | undefined): boolean {
	return (
		!!error &&
		/^[A-Z“].*[.)]$/.test(error.message) &&
		error.hint.length > 0 &&
		!/Something went wrong|undefined|TypeError|Cannot read/.test(error.message)
	);
}

/** A hand-driven device on one end of a pair: the test speaks the protocol itself, rightly or not. */
export class ScriptedPeer {
	readonly received: Frame[] = [];
	closed = false;

	constructor(private readonly port: MemoryPort) {
		port.listen({
			message: (data) => {
				const frame = decodeFrame(data);
				if (!frame.ok) throw new Error(`the engine sent a bad frame: ${frame.error.reason}`);
				this.received.push(frame.value);
			},
			close: () => (this.closed = true),
			broken: (reason) => {
				throw new Error(`a memory port never refuses frames, yet it did: ${reason}`);
			},
		});
	}

	control(message: ControlMessage): void {
		this.port.send(encodeControl(message));
	}

	data(fileIndex: number, offset: number, payload: Uint8Array): void {
		this.port.send(encodeData(fileIndex, offset, payload));
	}

	raw(frame: Uint8Array<ArrayBuffer>): void {
		this.port.send(frame);
	}

	/** The control messages received, in order. */
	get controls(): ControlMessage[] {
		return this.received.flatMap((f) => (f.kind === 'control' ? [f.message] : []));
	}

	/** Sends `bytes` of file `index` from `offset` as 256 KiB frames, each 1 MiB block followed by its digest. */
	async blocks(transfer: string, index: number, offset: number, bytes: Uint8Array): Promise<void> {
		for (let at = 0; at < bytes.length; at += BLOCK_BYTES) {
			const block = bytes.subarray(at, Math.min(bytes.length, at + BLOCK_BYTES));
			for (let piece = 0; piece < block.length; piece += 256 * 1024) {
				this.data(index, offset + at + piece, block.subarray(piece, piece + 256 * 1024));
			}
			const sha256 = toBase64(await blockSha(block));
			this.control({ t: 'block', transfer, index, block: (offset + at) / BLOCK_BYTES, sha256 });
		}
	}
}

const blockSha = (bytes: Uint8Array) => sha256(bytes.slice());

/**
 * One hub alone, with the test playing the other device on the far end of the link; `now` is the hub's clock,
 * `roundTripMs` what the link says its round trip is.
 */
export function facing(options: { now?: () => number; roundTripMs?: number } = {}): {
	peer: Peer;
	remote: ScriptedPeer;
	pair: MemoryPair;
} {
	const peer = hubPeer(options.now ?? (() => 0));
	const pair = new MemoryPair({ roundTripMs: options.roundTripMs });
	const remote = new ScriptedPeer(pair.a);
	peer.hub.attach(pair.b, 256 * 1024);
	return { peer, remote, pair };
}
