// A seeded, reproducible fuzzer: mutated and random frames thrown at the real Worker inside workerd, in
// bursts, before a join and from a seated peer. Every frame must be relayed unchanged or end in a clear
// refusal (a close code of the contract and a reason); no handler may throw, nothing may hang, and the room
// must still serve its real pair afterwards. Sockets are replaced before the per-socket limit decides.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../harness/seeded-random';
import { CLOSE_CODES, SESSION_TOKEN_LENGTH } from '../../src/lib/protocol/signaling';
import {
	type Client,
	type Created,
	candidate,
	connect,
	postSession,
	joined,
	offer,
	relaysBothWays,
	watchRoom,
} from './client';

const SEED = 0x5eed_2026;
const ROOMS = 8;
/** Frames per room: sent by a seated guest, and as the first frame of a fresh socket. */
const SEATED_FRAMES = 500;
const FIRST_FRAMES = 800;
/** Frames sent at once on one socket, so most frames also meet a socket the server is closing. */
const MAX_BURST = 8;
/** A seated socket is replaced well before its 100-frame allowance runs out. */
const FRAMES_PER_SOCKET = 80;
const OUTCOME_MS = 3_000;

type Frame = string | ArrayBuffer;

class Fuzzer {
	constructor(private readonly random: () => number) {}

	int(max: number): number {
		return Math.floor(this.random() * max);
	}

	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)];
	}

	string(max = 40): string {
		const alphabets = [
			'abcXYZ0189',
			'{}[]":,\\ ',
			'\u0000\u001f\u007f\u00e9\u2028\u202e\ufeff\ud83d\ude00',
			'\ud800\udfff',
		];
		let out = '';
		const length = this.int(max);
		for (let i = 0; i < length; i++) out += this.pick([...this.pick(alphabets)]);
		return out;
	}

	value(depth = 0): unknown {
		const kinds = depth > 3 ? 6 : 8;
		switch (this.int(kinds)) {
			case 0:
				return null;
			case 1:
				return this.random() < 0.5;
			case 2:
				return this.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MIN_VALUE]);
			case 3:
				return this.string();
			case 4:
				return 'x'.repeat(this.pick([32, 31, 33, 1024, 17_000]));
			case 5:
				return this.pick(['join', 'signal', 'offer', 'answer', 'candidate', 'description', '__proto__']);
			case 6:
				return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
			default: {
				const object: Record<string, unknown> = {};
				for (let i = this.int(4); i > 0; i--) object[this.key()] = this.value(depth + 1);
				return object;
			}
		}
	}

	key(): string {
		return this.pick([
			'type',
			'token',
			'seat',
			'data',
			'kind',
			'description',
			'sdp',
			'auth',
			'candidate',
			'sdpMid',
			'sdpMLineIndex',
			'usernameFragment',
			'__proto__',
			'constructor',
			this.string(8),
		]);
	}

	/** A valid frame of the contract (a join with the session's token, or a signal). */
	valid(token: string): Record<string, unknown> {
		return structuredClone(
			this.pick<Record<string, unknown>>([
				{ type: 'join', token },
				{ type: 'join', token, seat: 'S'.repeat(32) },
				offer,
				{ ...offer, data: { ...offer.data, auth: 'tag' } },
				{ type: 'signal', data: { kind: 'description', description: { type: 'answer', sdp: 'v=0' } } },
				candidate,
				{ type: 'signal', data: { kind: 'candidate', candidate: null } },
			]),
		);
	}

	/** Changes one thing somewhere inside a JSON value: a field removed, added, or of another type. */
	mutateValue(value: unknown): unknown {
		if (value === null || typeof value !== 'object' || this.random() < 0.2) return this.value();
		const object = value as Record<string, unknown>;
		const keys = Object.keys(object);
		const key = keys.length > 0 ? this.pick(keys) : this.key();
		switch (this.int(4)) {
			case 0:
				delete object[key];
				return object;
			case 1:
				object[this.key()] = this.value();
				return object;
			case 2:
				object[key] = this.mutateValue(object[key]);
				return object;
			default:
				object[key] = this.value();
				return object;
		}
	}

	/** Byte-level damage to a frame's text: truncated, characters flipped, inserted or repeated. */
	mutateText(text: string): string {
		const at = this.int(text.length + 1);
		switch (this.int(5)) {
			case 0:
				return text.slice(0, at);
			case 1:
				return text.slice(0, at) + this.string(4) + text.slice(at + 1);
			case 2:
				return text.slice(0, at) + this.pick(['"', '\\', '}', ']', ',', '\u0000']) + text.slice(at);
			case 3:
				return text + text;
			default:
				return `[${text}]`;
		}
	}

	/** One frame: valid with probability `valid`, else mutated, random, oversized or binary. */
	frame(token: string, valid: number): Frame {
		const roll = this.random();
		if (roll < valid) return JSON.stringify(this.valid(token));
		if (roll < 0.55) return JSON.stringify(this.mutateValue(this.valid(token)));
		if (roll < 0.75) return this.mutateText(JSON.stringify(this.valid(token)));
		if (roll < 0.85) return JSON.stringify(this.value());
		if (roll < 0.9) return 'x'.repeat(16 * 1024 + this.int(24 * 1024));
		if (roll < 0.95) return `{"type":"join","token":"${this.string(SESSION_TOKEN_LENGTH)}"}`;
		const bytes = new Uint8Array(this.int(64));
		for (let i = 0; i < bytes.length; i++) bytes[i] = this.int(256);
		return bytes.buffer;
	}
}

interface Tally {
	frames: number;
	relayed: number;
	refused: number;
	sockets: number;
	failures: string[];
}

const show = (frame: Frame) =>
	typeof frame === 'string' ? JSON.stringify(frame.slice(0, 100)) : `${frame.byteLength} binary bytes`;

/** A clear refusal: a close code of the contract and a reason. */
function checkRefusal(closed: { code: number; reason: string }, frame: Frame, tally: Tally): void {
	if (!CLOSE_CODES.includes(closed.code) || closed.reason.length === 0) {
		tally.failures.push(`close ${closed.code} "${closed.reason}" after ${show(frame)}`);
	}
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
	return Promise.race([
		promise,
		new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`hang: ${what}`)), OUTCOME_MS)),
	]);
}

/** JSON with sorted keys, so two equal values compare equal whatever order their fields came in. */
function canonical(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
			: v,
	);
}

/** What a text frame becomes in UTF-8 on the wire: each lone surrogate turns into U+FFFD. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The `data` the server should relay for `frame`. */
function sentData(frame: Frame): string | undefined {
	if (typeof frame !== 'string') return undefined;
	try {
		return canonical((JSON.parse(frame.replace(LONE_SURROGATE, '\ufffd')) as { data?: unknown }).data);
	} catch {
		return undefined;
	}
}

interface Seated {
	client: Client;
	seat: string;
}

async function seatedGuest(session: Created, host: Client, tally: Tally): Promise<Seated> {
	tally.sockets += 1;
	const guest = await joined(session);
	expect(await host.next(OUTCOME_MS)).toEqual({ type: 'peer-joined' });
	return { client: guest.client, seat: guest.hello.seat };
}

/**
 * Reads what the host got for one burst: the frames relayed unchanged and in order up to the first one
 * refused, which ends the guest (`peer-left`). Returns that frame's position, or undefined if none was.
 */
async function relayedPrefix(host: Client, burst: Frame[], tally: Tally): Promise<number | undefined> {
	for (const [at, frame] of burst.entries()) {
		const atHost = await host.next(OUTCOME_MS);
		if (atHost.type === 'peer-left' && atHost.reason === 'left') return at;
		if (atHost.type !== 'signal' || canonical(atHost.data) !== sentData(frame)) {
			throw new Error(`host got ${JSON.stringify(atHost).slice(0, 200)} for ${show(frame)}`);
		}
		tally.relayed += 1;
	}
	return undefined;
}

/** A seated guest sends bursts of fuzz frames: a prefix is relayed, then one is refused and ends it. */
async function fuzzSeated(fuzz: Fuzzer, session: Created, host: Client, tally: Tally): Promise<Seated> {
	let guest = await seatedGuest(session, host, tally);
	let onSocket = 0;
	for (let sent = 0; sent < SEATED_FRAMES;) {
		if (onSocket + MAX_BURST > FRAMES_PER_SOCKET) {
			guest.client.close();
			expect(await host.next(OUTCOME_MS)).toEqual({ type: 'peer-left', reason: 'left' });
			guest = await seatedGuest(session, host, tally);
			onSocket = 0;
		}
		// Half valid, so that bursts reach deep into the relay before one is refused.
		const burst = Array.from({ length: 1 + fuzz.int(MAX_BURST) }, () => fuzz.frame(session.token, 0.5));
		for (const frame of burst) guest.client.send(frame);
		sent += burst.length;
		onSocket += burst.length;
		tally.frames += burst.length;
		const refusedAt = await relayedPrefix(host, burst, tally);
		if (refusedAt === undefined) continue;
		checkRefusal(await within(guest.client.closed, 'seated refusal'), burst[refusedAt], tally);
		// The frames behind the refused one reach a closing socket: neither relayed nor answered.
		tally.refused += burst.length - refusedAt;
		guest = await seatedGuest(session, host, tally);
		onSocket = 0;
	}
	return guest;
}

/**
 * Fresh sockets each send a burst of fuzz frames before any join; with both seats held, every socket must
 * be refused. Frames behind the first may arrive while the server is already closing the socket.
 */
async function fuzzFirstFrames(fuzz: Fuzzer, session: Created, tally: Tally): Promise<void> {
	for (let sent = 0; sent < FIRST_FRAMES;) {
		const socket = await connect(session.id);
		tally.sockets += 1;
		const burst = Array.from({ length: 1 + fuzz.int(MAX_BURST) }, () => fuzz.frame(session.token, 0.15));
		for (const frame of burst) socket.send(frame);
		sent += burst.length;
		tally.frames += burst.length;
		tally.refused += burst.length;
		checkRefusal(await within(socket.closed, 'first-frame refusal'), burst[0], tally);
	}
}

async function fuzzRoom(seed: number, tally: Tally): Promise<void> {
	const fuzz = new Fuzzer(seededRandom(seed));
	const session = await postSession();
	const watch = await watchRoom(session.id);
	const host = await joined(session);
	const guest = await fuzzSeated(fuzz, session, host.client, tally);
	await fuzzFirstFrames(fuzz, session, tally);
	// The real pair comes back on new sockets with its seat secrets, after all of that, and still relays.
	const hostBack = await joined(session, host.hello.seat);
	const guestBack = await joined(session, guest.seat);
	expect(await hostBack.client.next(OUTCOME_MS)).toEqual({ type: 'peer-joined' });
	expect(await relaysBothWays(hostBack.client, guestBack.client)).toBe(true);
	hostBack.client.close();
	guestBack.client.close();
	tally.failures.push(...watch.errors);
}

describe('fuzzing the signaling Worker', () => {
	it('refuses every bad frame clearly, relays every good one, and keeps serving the real pair', async () => {
		const tally: Tally = { frames: 0, relayed: 0, refused: 0, sockets: 0, failures: [] };
		await Promise.all(Array.from({ length: ROOMS }, (_, room) => fuzzRoom(SEED + room, tally)));
		console.log(
			`fuzz: seed ${SEED.toString(16)}, ${tally.frames} frames on ${tally.sockets} sockets in ${ROOMS} rooms: ` +
				`${tally.relayed} relayed, ${tally.refused} refused, ${tally.failures.length} failures or crashes`,
		);
		expect(tally.failures.slice(0, 5)).toEqual([]);
		expect(tally.frames).toBeGreaterThanOrEqual(10_000);
		expect(tally.relayed + tally.refused).toBe(tally.frames);
	}, 55_000);
});
