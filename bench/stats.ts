// Small statistics for the benchmark: medians and percentiles of one run's samples, and MB/s in 10^6 bytes
// (what file-transfer tools quote), so figures compare with docs/measurements.md.

export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank];
}

export const median = (values: readonly number[]) => percentile(values, 50);

export const mbPerSecond = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

export const mib = (bytes: number) => bytes / 2 ** 20;
