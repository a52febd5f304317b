import { describe, expect, it } from 'vitest';
import { MAX_QUEUE_BYTES, MIN_QUEUE_BYTES, QueueTarget } from '../../src/lib/transfer/queue-target';

/** Feeds `target` a lane that drains `bytesPerSecond` while backlogged, sampled every `stepMs` for `ms`. */
function drain(
	target: QueueTarget,
	bytesPerSecond: number,
	ms: number,
	stepMs = 20,
	from = { at: 0, bytes: 0 },
) {
	let { at, bytes } = from;
	for (const end = at + ms; at <= end; at += stepMs, bytes += (bytesPerSecond * stepMs) / 1000) {
		target.sample(at, bytes, true);
	}
	return { at, bytes };
}

describe('QueueTarget', () => {
	it('starts small, before it has measured the lane', () => {
		const target = new QueueTarget();
		expect(target.highWater).toBe(MIN_QUEUE_BYTES);
		expect(target.lowWater).toBe(MIN_QUEUE_BYTES / 4);
	});

	it('holds a quarter second at the rate the lane drains', () => {
		const target = new QueueTarget();
		drain(target, 4_000_000, 2_000);
		expect(target.highWater).toBeGreaterThan(0.95 * 1_000_000);
		expect(target.highWater).toBeLessThan(1.05 * 1_000_000);
		expect(target.lowWater).toBe(Math.round(target.highWater / 4));
	});

	it('stays within 256 KiB and 4 MiB, however slow or fast the lane', () => {
		const slow = new QueueTarget();
		drain(slow, 75_000, 3_000);
		expect(slow.highWater).toBe(MIN_QUEUE_BYTES);
		const fast = new QueueTarget();
		drain(fast, 30_000_000, 1_000);
		expect(fast.highWater).toBe(MAX_QUEUE_BYTES);
	});

	it('follows the lane when the network changes', () => {
		const target = new QueueTarget();
		const fast = drain(target, 20_000_000, 1_000);
		expect(target.highWater).toBe(MAX_QUEUE_BYTES);
		drain(target, 1_600_000, 3_000, 20, fast);
		expect(target.highWater).toBeGreaterThan(0.9 * 400_000);
		expect(target.highWater).toBeLessThan(1.1 * 400_000);
	});

	it('learns nothing from a lane that ran dry: the sender had nothing to send, the link was not slow', () => {
		const target = new QueueTarget();
		const busy = drain(target, 8_000_000, 1_000);
		const before = target.highWater;
		// 2 s idle, sampled: almost nothing leaves because nothing was queued.
		for (let at = busy.at; at < busy.at + 2_000; at += 20) target.sample(at, busy.bytes + 10, false);
		expect(target.highWater).toBe(before);
	});

	it('ignores intervals too short to measure, adding them to the next', () => {
		const target = new QueueTarget();
		target.sample(0, 0, true);
		target.sample(5, 1_000_000, true);
		expect(target.highWater).toBe(MIN_QUEUE_BYTES);
		target.sample(100, 1_000_000, true);
		// 1,000,000 bytes in 100 ms: 10 MB/s, a quarter second of which is more than 2 MB.
		expect(target.highWater).toBeGreaterThan(2_000_000);
	});
});
