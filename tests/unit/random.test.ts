import { describe, expect, it } from 'vitest';
import { randomAlphanumeric } from '../../src/lib/protocol/random';

describe('randomAlphanumeric', () => {
	it('makes strings of the asked length from the 62-letter alphabet', () => {
		for (const length of [1, 20, 32])
			expect(randomAlphanumeric(length)).toMatch(new RegExp(`^[A-Za-z0-9]{${length}}$`));
	});

	it('uses every letter with roughly equal frequency (no modulo bias)', () => {
		const counts = new Map<string, number>();
		const text = randomAlphanumeric(62 * 2000);
		for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
		expect(counts.size).toBe(62);
		// Expected 2000 each; a modulo-biased generator gives the first 8 letters ~2250.
		for (const count of counts.values()) expect(Math.abs(count - 2000)).toBeLessThan(200);
	});
});
