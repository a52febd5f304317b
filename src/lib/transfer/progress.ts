// Progress maths kept pure (time is passed in) so speed and ETA can be tested with exact sample times.
// Formatting for the screen (units, numbers, plurals in the reader's language) lives in src/lib/ui/format.ts.

interface Sample {
	at: number;
	total: number;
}

/** Transfer speed over a sliding window of (time, cumulative bytes) samples. */
export class SpeedMeter {
	readonly #windowMs: number;
	#samples: Sample[] = [];

	constructor(windowMs = 3000) {
		this.#windowMs = windowMs;
	}

	/** Records the cumulative byte count at `nowMs`. Time or bytes going backwards starts a new window. */
	sample(nowMs: number, totalBytes: number): void {
		const last = this.#samples.at(-1);
		if (last && (nowMs < last.at || totalBytes < last.total)) this.#samples = [];
		this.#samples.push({ at: nowMs, total: totalBytes });
		const oldest = nowMs - this.#windowMs;
		let drop = 0;
		while (drop < this.#samples.length - 1 && this.#samples[drop].at < oldest) drop++;
		if (drop > 0) this.#samples.splice(0, drop);
	}

	/** Bytes per second between the oldest and newest sample in the window; 0 without two samples. */
	bytesPerSecond(): number {
		const first = this.#samples[0];
		const last = this.#samples.at(-1);
		if (!first || !last || last.at <= first.at) return 0;
		return ((last.total - first.total) * 1000) / (last.at - first.at);
	}
}

/** Seconds left at the current speed; null when the speed is unknown or zero, 0 when nothing remains. */
export function etaSeconds(remainingBytes: number, bytesPerSecond: number): number | null {
	if (remainingBytes <= 0) return 0;
	if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0 || !Number.isFinite(remainingBytes))
		return null;
	return remainingBytes / bytesPerSecond;
}

/** Share done in 0..100; an empty total counts as complete. */
export function percent(done: number, total: number): number {
	if (!(total > 0)) return 100;
	const share = (done / total) * 100;
	return Number.isNaN(share) ? 0 : Math.min(100, Math.max(0, share));
}
