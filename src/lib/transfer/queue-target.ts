// How much one lane keeps queued in its DataChannel: a quarter second at the rate it drains, within 256 KiB to
// 4 MiB. A fixed 4 MiB per lane held 53 s of data on a 0.3 MB/s link: a cut at 50% of 16 MiB re-sent 8 MiB, and a
// cancel waited behind the queue. On loopback (about 5 MB/s a lane) it still reaches 4 MiB, as before.

export const MIN_QUEUE_BYTES = 256 * 1024;
export const MAX_QUEUE_BYTES = 4 * 1024 * 1024;
/** Seconds of sending the queue holds: far more than the gap between a buffer-low event and the next send. */
const QUEUE_SECONDS = 0.25;
/** Shorter intervals are added to the next one: a rate over a few milliseconds is mostly noise. */
const MIN_INTERVAL_MS = 100;
/** Weight of the newest interval in the rate, so a change of network shows within a few intervals. */
const SMOOTHING = 0.3;

export class QueueTarget {
	/** Bytes per millisecond, once measured. */
	private rate: number | null = null;
	private since: { at: number; transmitted: number } | null = null;

	/** Bytes above which a send waits. */
	get highWater(): number {
		if (this.rate === null) return MIN_QUEUE_BYTES;
		const wanted = this.rate * QUEUE_SECONDS * 1000;
		return Math.round(Math.min(MAX_QUEUE_BYTES, Math.max(MIN_QUEUE_BYTES, wanted)));
	}

	/** Buffered bytes at which a waiting send resumes. */
	get lowWater(): number {
		return Math.round(this.highWater / 4);
	}

	/**
	 * `transmitted`: bytes that have left the queue so far (sent less still buffered), at `now` (ms). Only an
	 * interval during which the queue never ran dry (`backlogged`) measures the lane; an idle lane says nothing.
	 */
	sample(now: number, transmitted: number, backlogged: boolean): void {
		if (!backlogged || this.since === null) {
			this.since = backlogged ? { at: now, transmitted } : null;
			return;
		}
		const elapsed = now - this.since.at;
		if (elapsed < MIN_INTERVAL_MS) return;
		const rate = (transmitted - this.since.transmitted) / elapsed;
		this.rate = this.rate === null ? rate : this.rate + SMOOTHING * (rate - this.rate);
		this.since = { at: now, transmitted };
	}
}
