import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../worker/token-bucket';

describe('TokenBucket', () => {
	it('allows a burst of its capacity, then refuses', () => {
		const bucket = new TokenBucket(3, 1, 0);
		expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
	});

	it('refills at its rate and never above capacity', () => {
		const bucket = new TokenBucket(2, 10, 0);
		bucket.take(0);
		bucket.take(0);
		expect(bucket.take(50)).toBe(false);
		expect(bucket.take(150)).toBe(true);
		const rested = new TokenBucket(2, 10, 0);
		expect([0, 0, 0].map(() => rested.take(60_000))).toEqual([true, true, false]);
	});
});
