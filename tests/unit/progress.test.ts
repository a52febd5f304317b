import { describe, expect, it } from 'vitest';
import { etaSeconds, percent, SpeedMeter } from '../../src/lib/transfer/progress';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('SpeedMeter', () => {
	it('is 0 with fewer than two samples or no elapsed time', () => {
		const meter = new SpeedMeter();
		expect(meter.bytesPerSecond()).toBe(0);
		meter.sample(1000, 500);
		expect(meter.bytesPerSecond()).toBe(0);
		meter.sample(1000, 900);
		expect(meter.bytesPerSecond()).toBe(0);
	});

	it('divides the byte delta by the time delta', () => {
		const meter = new SpeedMeter();
		meter.sample(0, 0);
		meter.sample(500, 1 * MiB);
		meter.sample(2000, 4 * MiB);
		expect(meter.bytesPerSecond()).toBe(2 * MiB);
	});

	it('forgets samples older than the window', () => {
		const meter = new SpeedMeter(3000);
		meter.sample(0, 0);
		meter.sample(1000, 10 * MiB); // a fast start
		meter.sample(3000, 12 * MiB);
		expect(meter.bytesPerSecond()).toBe(4 * MiB); // 12 MiB over 3 s: the first sample is still in
		meter.sample(4000, 13 * MiB);
		expect(meter.bytesPerSecond()).toBe(1 * MiB); // window is now 1000..4000: 3 MiB over 3 s
		meter.sample(9000, 14 * MiB);
		expect(meter.bytesPerSecond()).toBe(0); // only the newest sample is within 3 s
	});

	it('starts over when time or bytes go backwards', () => {
		const meter = new SpeedMeter();
		meter.sample(1000, 5 * MiB);
		meter.sample(2000, 6 * MiB);
		meter.sample(2500, 0);
		expect(meter.bytesPerSecond()).toBe(0);
		meter.sample(3500, 2 * MiB);
		expect(meter.bytesPerSecond()).toBe(2 * MiB);
	});
});

describe('etaSeconds', () => {
	it.each([
		[100 * MiB, 10 * MiB, 10],
		[1, 4, 0.25],
		[0, 0, 0],
		[-5, 10, 0],
		[10, 0, null],
		[10, -1, null],
		[10, NaN, null],
		[10, Infinity, null],
	])('%d bytes left at %d B/s → %s', (remaining, speed, eta) =>
		expect(etaSeconds(remaining, speed)).toBe(eta),
	);
});

describe('percent', () => {
	it.each([
		[0, 200, 0],
		[50, 200, 25],
		[200, 200, 100],
		[300, 200, 100],
		[-1, 200, 0],
		[0, 0, 100],
		[5, -1, 100],
		[NaN, 10, 0],
	])('%d of %d → %d', (done, total, value) => expect(percent(done, total)).toBe(value));
});
