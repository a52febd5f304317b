// Sizes, speeds, time left and percentages in the user's language: numbers through Intl (digits, decimal
// sign, grouping), units from the messages (French writes Mio), and the same binary steps in every language.

const STEP = 1024;

/**
 * 1024-based sizes: whole bytes below 1 KiB, then one decimal below 10 and whole numbers from 10 up, e.g.
 * "512 B", "1.5 KiB", "64 MiB", "4.0 GiB" in English; `units` are the locale's symbols from B up.
 */
export function formatBytes(bytes: number, locale: string, units: readonly string[]): string {
	const value = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
	let unit = 0;
	let scaled = value < STEP ? Math.floor(value) : value;
	while (scaled >= STEP && unit < units.length - 1) {
		scaled /= STEP;
		unit++;
	}
	let decimals = unit > 0 && scaled < 9.95 ? 1 : 0;
	if (Math.round(scaled) >= STEP && unit < units.length - 1) {
		scaled = 1;
		decimals = 1;
		unit++;
	}
	const number = new Intl.NumberFormat(locale, {
		minimumFractionDigits: decimals,
		maximumFractionDigits: decimals,
	}).format(scaled);
	return `${number} ${units[unit]}`;
}

/** The same units per second: "29 MiB/s". */
export function formatSpeed(bytesPerSecond: number, locale: string, units: readonly string[]): string {
	return `${formatBytes(bytesPerSecond, locale, units)}/s`;
}

/** "—" when unknown, else seconds, minutes and seconds, or hours and minutes; seconds round up. */
export function formatDuration(seconds: number | null, locale: string): string {
	if (seconds === null || !Number.isFinite(seconds)) return '—';
	const total = Math.max(0, Math.ceil(seconds));
	const parts: [number, 'hour' | 'minute' | 'second'][] =
		total < 60
			? [[total, 'second']]
			: total < 3600
				? [
						[Math.floor(total / 60), 'minute'],
						[total % 60, 'second'],
					]
				: [
						[Math.floor(total / 3600), 'hour'],
						[Math.floor((total % 3600) / 60), 'minute'],
					];
	const words = parts.map(([count, unit]) =>
		new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(count),
	);
	return new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' }).format(words);
}

/** A share in 0..100 as the locale writes a percentage: "42%", "42 %". */
export function formatPercent(share: number, locale: string): string {
	return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share / 100);
}
