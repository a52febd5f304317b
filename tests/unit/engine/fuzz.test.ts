// A seeded fuzzer: mutated and random frames at the codec, then at a real receiver (hub, IncomingTransfer,
// in-memory sink) fed by a real sender through a link that corrupts, drops, repeats and invents frames.
// Set FUZZ_SEED to replay a run; every failure message names the seed and the transfer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserError } from '../../../src/lib/errors';
import {
	CANCEL_REASONS,
	decodeFrame,
	encodeControl,
	encodeData,
	FRAME_CONTROL,
	MAX_FILES,
	type ControlMessage,
} from '../../../src/lib/protocol/frames';
import { isFinished } from '../../../src/lib/transfer/types';
import { MemoryTarget, patternSha256, patternSource } from '../../harness/memory-files';
import { seededRandom } from '../../harness/seeded-random';
import { isPlainError, Pairing, quiet } from './peers';

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);

/** The seeded generator with the helpers the fuzzer draws with. */
function random(seed: number) {
	const next = seededRandom(seed);
	const int = (n: number) => Math.floor(next() * n);
	const pick = <T>(items: readonly T[]): T => items[int(items.length)];
	return { next, int, pick, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof random>;

const ODD_VALUES: unknown[] = [
	-1,
	0,
	1,
	2 ** 32,
	2 ** 53,
	MAX_FILES,
	1.5,
	NaN,
	'',
	'x'.repeat(600),
	null,
	{},
	[],
	true,
	'A'.repeat(43) + '=',
];

function randomControl(r: Random, transfer: string): ControlMessage {
	const index = r.chance(0.8) ? r.int(3) : r.int(MAX_FILES);
	const digest = r.chance(0.5) ? 'A'.repeat(43) + '=' : 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';
	const offset = r.pick([0, 16_384, 1024 * 1024, r.int(3 * 1024 * 1024), 2 ** 40]);
	return r.pick<ControlMessage>([
		{ t: 'block', transfer, index, block: r.int(4), sha256: digest },
		{ t: 'file-end', transfer, index, sha256: digest },
		{ t: 'rewound', transfer, index, offset },
		{
			t: 'cancel',
			transfer,
			index: r.chance(0.3) ? null : index,
			reason: r.pick(CANCEL_REASONS),
		},
		{
			t: 'offer',
			transfer: r.chance(0.5) ? transfer : 'other',
			files: [{ name: 'o', size: r.int(99), type: '', lastModified: 0 }],
		},
		{ t: 'text', text: 'hi' },
		{ t: 'credit', transfer, credit: r.int(2 ** 30) },
	]);
}

/** One frame, changed the way a broken or hostile peer might: bits, lengths, kinds, JSON fields. */
function mutate(r: Random, frame: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
	const out = frame.slice();
	switch (r.int(7)) {
		case 0: // flip a few bits anywhere
			for (let n = 1 + r.int(3); n > 0 && out.length > 0; n--) out[r.int(out.length)] ^= 1 << r.int(8);
			return out;
		case 1: // cut it short
			return out.slice(0, r.int(out.length + 1));
		case 2: // add bytes at the end
			return new Uint8Array([
				...out.subarray(0, 64 * 1024),
				...Array.from({ length: 1 + r.int(40) }, () => r.int(256)),
			]);
		case 3: // another kind byte
			out[0] = r.pick([0, 1, 2, 3, 255]);
			return out;
		case 4: // a header field (index, offset) overwritten
			if (out.length >= 13) new DataView(out.buffer).setUint32(r.pick([1, 5, 9]), r.int(2 ** 32));
			return out;
		default: {
			// a JSON field replaced by an odd value, removed, or added
			if (out[0] !== FRAME_CONTROL) return out;
			let value: Record<string, unknown>;
			try {
				value = JSON.parse(new TextDecoder().decode(out.subarray(1)));
			} catch {
				return out;
			}
			const keys = Object.keys(value);
			const key = r.chance(0.2) ? 'extra' : r.pick(keys);
			if (r.chance(0.2)) delete value[key];
			else value[key] = r.pick(ODD_VALUES);
			return new Uint8Array([FRAME_CONTROL, ...new TextEncoder().encode(JSON.stringify(value))]);
		}
	}
}

const crashes: unknown[] = [];
const onCrash = (error: unknown) => crashes.push(error);
beforeAll(() => {
	process.on('unhandledRejection', onCrash);
	process.on('uncaughtException', onCrash);
});
afterAll(() => {
	process.off('unhandledRejection', onCrash);
	process.off('uncaughtException', onCrash);
});

describe(`fuzz (seed ${SEED})`, () => {
	it('decodeFrame answers every mutated or random frame with a value or a reason, never a throw', () => {
		const r = random(SEED);
		let tried = 0;
		let accepted = 0;
		for (; tried < 20_000; tried++) {
			const base =
				r.int(4) === 0
					? new Uint8Array(Array.from({ length: r.int(64) }, () => r.int(256)))
					: r.chance(0.5)
						? encodeData(r.int(5), r.int(2 ** 33), new Uint8Array(r.int(300)))
						: encodeControl(randomControl(r, 'tx'));
			const frame = r.chance(0.9) ? mutate(r, base) : base;
			const decoded = decodeFrame(frame);
			if (!decoded.ok) {
				expect(decoded.error.reason.length, `frame ${tried}`).toBeGreaterThan(0);
				continue;
			}
			accepted += 1;
			const value = decoded.value;
			if (value.kind === 'data') {
				expect(Number.isSafeInteger(value.offset) && value.fileIndex < MAX_FILES, `frame ${tried}`).toBe(
					true,
				);
			} else {
				// Whatever passes validation encodes back to the same message.
				expect(decodeFrame(encodeControl(value.message)), `frame ${tried}`).toEqual(decoded);
			}
		}
		console.log(`fuzz decodeFrame: ${tried} frames tried (seed ${SEED}), ${accepted} valid, 0 crashes`);
		expect(tried).toBeGreaterThanOrEqual(10_000);
	});

	it(
		'a receiver takes ≥ 10,000 damaged, dropped, repeated and invented frames: no crash, no hang, no wrong file done',
		{ timeout: 60_000 },
		async () => {
			const r = random(SEED + 1);
			let frames = 0;
			let transfers = 0;
			const outcomes: Record<string, number> = {};
			while (frames < 10_000) {
				transfers += 1;
				const where = `seed ${SEED}, transfer ${transfers}`;
				const peers = new Pairing({ maxMessageSize: 16 * 1024 });
				const rate = r.pick([0.01, 0.05, 0.2]);
				let dropped = false;
				peers.pair.tap = (frame, from) => {
					if (from === 'b') return [frame];
					frames += 1;
					if (!r.chance(rate)) return [frame];
					switch (r.int(6)) {
						case 0:
							dropped = true;
							return [];
						case 1:
							return [frame, frame];
						case 2:
							frames += 1;
							return [frame, encodeControl(randomControl(r, peers.outgoing.id))];
						case 3:
							frames += 1;
							return [encodeData(r.int(3), r.int(400_000), new Uint8Array(1 + r.int(20_000))), frame];
						default:
							return [mutate(r, frame)];
					}
				};
				const sizes = Array.from({ length: 1 + r.int(3) }, () => r.pick([0, 1, r.int(400_000), 1024 * 1024]));
				const target = new MemoryTarget();
				peers.sender.hub.send(sizes.map((size, i) => patternSource(`z${i}`, size, transfers * 10 + i)));
				// The offer itself may be lost or spoiled: then there is nothing to accept.
				await quiet(peers.pair);
				await peers.receiver.hub.findIncoming(peers.outgoing.id)?.accept(target);
				// Quiet, and still quiet after the disk and the digests had time to catch up. A receiver that never
				// had the offer, or whose hub stopped on a bad frame, has nothing more to say: no use waiting.
				const more = () =>
					!isFinished(peers.outgoing.status) &&
					peers.receiver.broken.length === 0 &&
					peers.receiver.hub.findIncoming(peers.outgoing.id) !== undefined;
				await quiet(peers.pair);
				for (let n = 0; n < 20 && more(); n++) {
					await new Promise((resolve) => setTimeout(resolve, 1));
					await quiet(peers.pair);
				}

				const incoming = peers.receiver.hub.findIncoming(peers.outgoing.id);
				let outcome = peers.receiver.broken.length
					? 'stopped on a bad frame'
					: (incoming?.status ?? 'no offer');
				if (outcome === 'active')
					outcome += dropped ? ' (waiting for a lost frame)' : ' (still busy when the link went quiet)';
				outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
				const errors: (UserError | undefined)[] = [
					...peers.receiver.broken,
					// A failed transfer says why, itself or through the file that failed it.
					...(incoming?.status === 'failed'
						? [incoming.error ?? incoming.files.find((f) => f.status === 'failed')?.error]
						: []),
					...(incoming?.files.flatMap((f) => (f.error ? [f.error] : [])) ?? []),
				];
				for (const error of errors) expect(isPlainError(error), `${where}: ${error?.message}`).toBe(true);
				expect(target.pastSize, where).toBe(0);
				for (const [i, sink] of target.sinks.entries()) {
					if (!sink) continue;
					expect(sink.written, where).toBeLessThanOrEqual(sink.meta.size);
					if (incoming?.files[i].status === 'done') {
						expect(sink.sha256(), `${where}: file ${i} done with wrong bytes`).toBe(
							patternSha256(sizes[i], transfers * 10 + i),
						);
					}
				}
				// What the sender calls done, the receiver verified.
				for (const [i, file] of peers.outgoing.files.entries()) {
					if (file.status === 'done') expect(incoming?.files[i].status, where).toBe('done');
				}
			}
			expect(crashes).toEqual([]);
			const summary = Object.entries(outcomes)
				.map(([k, n]) => `${n} ${k}`)
				.join(', ');
			console.log(
				`fuzz receiver: ${frames} frames tried over ${transfers} transfers (seed ${SEED}): 0 crashes, 0 hangs, 0 bytes past a size; ${summary}`,
			);
		},
	);
});
