import { describe, expect, it } from 'vitest';
import { CREDIT_WINDOW_BYTES } from '../../../src/lib/transfer/credit';
import { MemoryTarget, patternBytes } from '../../harness/memory-files';
import { MiB, facing, quiet, until } from './peers';

/**
 * A receiver fed 1 MiB blocks at a pace the test sets on the hub's clock, over a link whose round trip is
 * `roundTripMs`; returns the credit it granted beyond what it had written once all is quiet.
 */
async function windowAfter(msPerMiB: number, roundTripMs: number | undefined): Promise<number> {
	let clock = 0;
	const { peer, remote, pair } = facing({ now: () => clock, roundTripMs });
	const size = 24 * MiB;
	remote.control({
		t: 'offer',
		transfer: 'paced',
		files: [{ name: 'paced.bin', size, type: '', lastModified: 0 }],
	});
	await until(() => peer.hub.findIncoming('paced') !== undefined, 'the offer');
	const target = new MemoryTarget();
	await peer.hub.findIncoming('paced')!.accept(target);
	const bytes = patternBytes(5, 0, size);
	for (let at = 0; at < size; at += MiB) {
		await remote.blocks('paced', 0, at, bytes.subarray(at, at + MiB));
		await until(() => peer.hub.findIncoming('paced')!.files[0].bytes >= at + MiB, `block ${at / MiB}`);
		clock += msPerMiB;
	}
	await quiet(pair);
	const credits = remote.controls.flatMap((m) => (m.t === 'credit' ? [m.credit] : []));
	// Each credit is granted as a write completes: the last one is the window beyond everything written.
	return Math.max(...credits) - target.sinks[0].written;
}

describe('the credit window a receiver grants', () => {
	it('is 16 MiB beyond what it wrote while the round trip is unknown', async () => {
		expect(await windowAfter(10, undefined)).toBe(CREDIT_WINDOW_BYTES);
	});

	it('grows by twice the bandwidth-delay product on a long, fast link', async () => {
		// 1 MiB per 10 ms is about 100 MiB/s (the meter sees the first block's bytes at time 0, so a little
		// more); over 200 ms, 20 MiB are in flight each way.
		const window = await windowAfter(10, 200);
		expect(window).toBeGreaterThan(CREDIT_WINDOW_BYTES + 36 * MiB);
		expect(window).toBeLessThan(CREDIT_WINDOW_BYTES + 44 * MiB);
	});

	it('stays near 16 MiB where the same round trip carries little', async () => {
		// 1 MiB per second over 200 ms: 0.4 MiB more.
		const window = await windowAfter(1000, 200);
		expect(window).toBeGreaterThan(CREDIT_WINDOW_BYTES);
		expect(window).toBeLessThan(CREDIT_WINDOW_BYTES + MiB);
	});
});
