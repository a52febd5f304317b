// Progress maths kept pure (time is passed in) so speed and ETA can be tested with exact sample times.
// Sizes and speeds both use binary units, so "64 MiB at 32 MiB/s" reads as two seconds without conversion.

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

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * 1024-based sizes: whole bytes below 1 KiB, then one decimal below 10 and whole numbers from 10 up,
 * e.g. "512 B", "1.5 KiB", "64 MiB", "4.0 GiB". Values that round up to 1024 move to the next unit.
 */
export function formatBytes(bytes: number): string {
	const value = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
	if (value < 1024) return `${Math.floor(value)} B`;
	let unit = 0;
	let scaled = value;
	while (scaled >= 1024 && unit < UNITS.length - 1) {
		scaled /= 1024;
		unit++;
	}
	let text = scaled < 9.95 ? scaled.toFixed(1) : String(Math.round(scaled));
	if (text === '1024' && unit < UNITS.length - 1) {
		text = '1.0';
		unit++;
	}
	return `${text} ${UNITS[unit]}`;
}

/** The same binary units as formatBytes, per second: "29 MiB/s". */
export function formatSpeed(bytesPerSecond: number): string {
	return `${formatBytes(bytesPerSecond)}/s`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "—" when unknown, else "12 s", "3 min 05 s" or "1 h 02 min"; seconds round up so 0 s means done. */
export function formatEta(seconds: number | null): string {
	if (seconds === null || Number.isNaN(seconds) || seconds === Infinity) return '—';
	const total = Math.max(0, Math.ceil(seconds));
	if (total < 60) return `${total} s`;
	if (total < 3600) return `${Math.floor(total / 60)} min ${pad2(total % 60)} s`;
	return `${Math.floor(total / 3600)} h ${pad2(Math.floor((total % 3600) / 60))} min`;
}

/** Share done in 0..100; an empty total counts as complete. */
export function percent(done: number, total: number): number {
	if (!(total > 0)) return 100;
	const share = (done / total) * 100;
	return Number.isNaN(share) ? 0 : Math.min(100, Math.max(0, share));
}
