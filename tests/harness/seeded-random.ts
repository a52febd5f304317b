// One seeded generator for every test that must replay the same run from a seed (the fuzzers, the UDP
// relay's loss and jitter); it imports nothing, so the workerd suites can use it too.

/** mulberry32: small, fast, and the same sequence in [0, 1) for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
