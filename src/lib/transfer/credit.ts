// Receiver-driven flow control: the sender may only run a window ahead of what the receiver has written to
// disk. Without it, pending writes grew to 387 MiB in a 1 GiB test; with 16 MiB they stayed flat. The window
// grows with the bandwidth-delay product, so a long fast link never waits a round trip for credit.

/** The window before anything is measured, and its floor: four 4 MiB write batches (and the lanes' queues). */
export const CREDIT_WINDOW_BYTES = 16 * 1024 * 1024;
/** The largest window: what a receiver may have to hold when its disk is slower than the link. */
export const MAX_CREDIT_WINDOW_BYTES = 64 * 1024 * 1024;
export const WRITE_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * The window for a link measured at `bytesPerSecond` with a round trip of `roundTripMs`: the floor plus twice
 * the bandwidth-delay product (a credit takes half a round trip to reach the sender and its data another half
 * to come back, while the sender must not run dry), at most MAX_CREDIT_WINDOW_BYTES.
 */
export function creditWindow(bytesPerSecond: number, roundTripMs: number | null): number {
	const measured = (value: number | null): value is number =>
		value !== null && Number.isFinite(value) && value > 0;
	if (!measured(bytesPerSecond) || !measured(roundTripMs)) return CREDIT_WINDOW_BYTES;
	const inFlight = Math.round((2 * bytesPerSecond * roundTripMs) / 1000);
	return Math.min(MAX_CREDIT_WINDOW_BYTES, CREDIT_WINDOW_BYTES + inFlight);
}

/** The cumulative credit a receiver grants after writing `writtenTotal` bytes of a transfer. */
export function creditAfterWrite(writtenTotal: number, window = CREDIT_WINDOW_BYTES): number {
	return writtenTotal + window;
}

interface Waiter {
	bytes: number;
	resolve: () => void;
	reject: (error: Error) => void;
}

/** The sender's view of the credit: cumulative bytes sent against the cumulative credit granted. */
export class SendWindow {
	#sent = 0;
	#credit: number;
	#waiters: Waiter[] = [];
	#closed: Error | null = null;

	constructor(initialCredit: number) {
		this.#credit = Number.isFinite(initialCredit) && initialCredit > 0 ? initialCredit : 0;
	}

	get sent(): number {
		return this.#sent;
	}

	get credit(): number {
		return this.#credit;
	}

	canSend(bytes: number): boolean {
		return this.#sent + bytes <= this.#credit;
	}

	onSent(bytes: number): void {
		this.#sent += bytes;
	}

	/**
	 * Raises the cumulative credit. Credit messages may arrive late or repeated, so a value not above the
	 * current one is ignored (false); true when the credit was raised.
	 */
	grant(credit: number): boolean {
		if (this.#closed || !(credit > this.#credit) || !Number.isFinite(credit)) return false;
		this.#credit = credit;
		const still: Waiter[] = [];
		for (const waiter of this.#waiters) {
			if (this.canSend(waiter.bytes)) waiter.resolve();
			else still.push(waiter);
		}
		this.#waiters = still;
		return true;
	}

	/** Resolves once `bytes` more may be sent (at once if already so); rejects when the window is closed. */
	waitFor(bytes: number): Promise<void> {
		if (this.#closed) return Promise.reject(this.#closed);
		if (this.canSend(bytes)) return Promise.resolve();
		return new Promise((resolve, reject) => this.#waiters.push({ bytes, resolve, reject }));
	}

	/** Ends the window: pending and later waitFor calls reject with `error`. */
	close(error: Error): void {
		if (this.#closed) return;
		this.#closed = error;
		const waiters = this.#waiters;
		this.#waiters = [];
		for (const waiter of waiters) waiter.reject(error);
	}
}

/**
 * Gathers received chunks into batches of `batchBytes` before writing, because each write to a file
 * stream has a fixed cost. Pushes are serialised, so writes happen in order even if callers do not await.
 */
export class WriteBatcher {
	readonly #write: (chunk: Uint8Array<ArrayBuffer>) => Promise<void>;
	readonly #batchBytes: number;
	/** Bytes that will still be pushed (the file's size less what was pushed): sizes the next batch. */
	#toCome: number;
	#batch: Uint8Array<ArrayBuffer> | null = null;
	#filled = 0;
	#inFlight = 0;
	#written = 0;
	#queue: Promise<void> = Promise.resolve();
	#failure: { error: unknown } | null = null;

	/**
	 * `write` may keep the array it receives: each one is handed over and never reused. `totalBytes` is the
	 * most that will ever be pushed (a file's size), so 10,000 small files do not each take a 4 MiB batch.
	 */
	constructor(
		write: (chunk: Uint8Array<ArrayBuffer>) => Promise<void>,
		batchBytes = WRITE_BATCH_BYTES,
		totalBytes = Infinity,
	) {
		if (!Number.isSafeInteger(batchBytes) || batchBytes <= 0) {
			throw new RangeError(`batch size ${batchBytes} must be a positive integer`);
		}
		this.#write = write;
		this.#batchBytes = batchBytes;
		this.#toCome = totalBytes;
	}

	/** Bytes accepted by push but not yet written (including a batch whose write is in progress). */
	get pendingBytes(): number {
		return this.#filled + this.#inFlight;
	}

	/** Bytes whose write has completed. */
	get writtenBytes(): number {
		return this.#written;
	}

	/** Copies `data` into the batch; when a batch fills, returns only after its write completed. */
	push(data: Uint8Array): Promise<void> {
		return this.#enqueue(() => this.#append(data));
	}

	/** Writes the partial batch, if any. */
	flush(): Promise<void> {
		return this.#enqueue(async () => {
			if (this.#filled > 0 && this.#batch) await this.#writeBatch(this.#batch.slice(0, this.#filled));
		});
	}

	#enqueue(task: () => Promise<void>): Promise<void> {
		const run = this.#queue.then(() => {
			if (this.#failure) throw this.#failure.error;
			return task();
		});
		this.#queue = run.catch((error: unknown) => {
			this.#failure ??= { error };
		});
		return run;
	}

	async #append(data: Uint8Array): Promise<void> {
		let offset = 0;
		while (offset < data.length) {
			this.#batch ??= new Uint8Array(
				Math.min(this.#batchBytes, Math.max(this.#toCome, data.length - offset)),
			);
			const count = Math.min(this.#batch.length - this.#filled, data.length - offset);
			this.#batch.set(data.subarray(offset, offset + count), this.#filled);
			this.#filled += count;
			this.#toCome -= count;
			offset += count;
			if (this.#filled === this.#batch.length) await this.#writeBatch(this.#batch);
		}
	}

	/** Hands `chunk` (the filled part of the current batch) to write; the next push starts a fresh batch. */
	async #writeBatch(chunk: Uint8Array<ArrayBuffer>): Promise<void> {
		this.#batch = null;
		this.#filled = 0;
		this.#inFlight = chunk.length;
		try {
			await this.#write(chunk);
			this.#written += chunk.length;
		} finally {
			this.#inFlight = 0;
		}
	}
}
