// One pairing's remember handshake on one device, as a state machine with no DOM, timers or I/O: the UI
// feeds it taps, messages and the channel's close (with the time), and sends and stores what it answers.
// Nothing is agreed until both devices said yes, and each side's nonce is fresh for every request.
import { cleanDeviceName, type RememberMessage } from '../protocol/remember';
import type { Role } from '../protocol/signaling';
import { fromBase64, toBase64 } from '../protocol/base64';
import {
	derivePairingSecret,
	pairingCredentials,
	pairingNonce,
	type PairingCredentials,
	type PairingNonces,
} from './derive';
import type { PairingRecord } from './store-records';

/** The messages of the handshake itself; `forget` concerns a stored pairing, not this machine. */
export type HandshakeMessage = Exclude<RememberMessage, { t: 'forget' }>;

/** The QR session the two devices are in: where the secret comes from, and this device's seat. */
export interface PairingSession {
	key: string;
	sessionId: string;
	role: Role;
}

export interface HandshakeContext extends PairingSession {
	/**
	 * Whether this device's user confirmed, by its code, the device now on the other end: the send gate's
	 * `confirmed`, asked at every step, since the confirmation ends when another device takes the seat.
	 */
	confirmed(): boolean;
}

export type RememberState =
	/** Nothing asked, or the last question ended without agreement. */
	| { phase: 'idle' }
	/** This device asked and waits for the other's answer. */
	| { phase: 'requesting' }
	/** The other device, `name`, asked: show Allow / Not now. */
	| { phase: 'asked'; name: string }
	/** Both agreed, in this session, to remember `name`. */
	| { phase: 'remembered'; name: string };

/** Both devices said yes: what `rememberedPairing` turns into the record to store. */
export interface Agreement extends PairingSession {
	nonces: PairingNonces;
	/** The other device's name. */
	name: string;
	createdAt: number;
}

/**
 * What the user is told, as a code the UI words in the language shown: `waiting` for an answer, `already`
 * remembered, `confirm-first` the code, `name-needed`, `not-asked` (nothing to allow), `unasked-answer`
 * and `asked-twice` (ignored), `declined` by the other, `closed` before both agreed.
 */
export const REMEMBER_NOTICES = [
	'waiting',
	'already',
	'confirm-first',
	'name-needed',
	'not-asked',
	'unasked-answer',
	'asked-twice',
	'declined',
	'closed',
] as const;

export type RememberNotice = { code: (typeof REMEMBER_NOTICES)[number] };

/** What the UI does after a tap, a message or a close: send, store, or tell the user (each when present). */
export interface Step {
	send?: HandshakeMessage;
	agreed?: Agreement;
	notice?: RememberNotice;
}

const DECLINE: HandshakeMessage = { t: 'remember-decline' };
const tell = (code: RememberNotice['code']): Step => ({ notice: { code } });

/** The state with the nonce a pending question holds: this device's while it asks, the other's while asked. */
type Pending =
	| { phase: 'idle' }
	| { phase: 'requesting'; mine: Uint8Array }
	| { phase: 'asked'; name: string; theirs: Uint8Array }
	| { phase: 'remembered'; name: string };

export class RememberHandshake {
	#state: Pending = { phase: 'idle' };

	constructor(private readonly context: HandshakeContext) {}

	get state(): RememberState {
		const state = this.#state;
		return state.phase === 'asked' || state.phase === 'remembered'
			? { phase: state.phase, name: state.name }
			: { phase: state.phase };
	}

	/** The user tapped "Remember this device", this device being called `name`. */
	remember(name: string, now: number): Step {
		if (this.#state.phase === 'asked') return this.allow(name, now);
		if (this.#state.phase === 'requesting') return tell('waiting');
		if (this.#state.phase === 'remembered') return tell('already');
		if (!this.context.confirmed()) return tell('confirm-first');
		const own = cleanDeviceName(name);
		if (own === '') return tell('name-needed');
		const mine = pairingNonce();
		this.#state = { phase: 'requesting', mine };
		return { send: { t: 'remember-request', name: own, nonce: toBase64(mine) } };
	}

	/** The user tapped Allow on the other device's question (having confirmed its code). */
	allow(name: string, now: number): Step {
		const state = this.#state;
		if (state.phase !== 'asked') return tell('not-asked');
		if (!this.context.confirmed()) return tell('confirm-first');
		const own = cleanDeviceName(name);
		if (own === '') return tell('name-needed');
		const mine = pairingNonce();
		return {
			send: { t: 'remember-accept', name: own, nonce: toBase64(mine) },
			agreed: this.#agree(state.name, mine, state.theirs, now),
		};
	}

	/** The user tapped Not now. */
	notNow(): Step {
		if (this.#state.phase !== 'asked') return tell('not-asked');
		this.#state = { phase: 'idle' };
		return { send: DECLINE };
	}

	/** A handshake message from the other device, already checked by the frame parser. */
	receive(message: HandshakeMessage, now: number): Step {
		if (message.t === 'remember-request') return this.#asked(message.name, fromBase64(message.nonce), now);
		const state = this.#state;
		if (state.phase !== 'requesting') return tell('unasked-answer');
		if (message.t === 'remember-accept') {
			return { agreed: this.#agree(message.name, state.mine, fromBase64(message.nonce), now) };
		}
		this.#state = { phase: 'idle' };
		return tell('declined');
	}

	/** The DataChannel closed: a question not yet answered ends with nothing stored. */
	closed(): Step {
		if (this.#state.phase !== 'requesting' && this.#state.phase !== 'asked') return {};
		this.#state = { phase: 'idle' };
		return tell('closed');
	}

	#asked(name: string, theirs: Uint8Array, now: number): Step {
		const state = this.#state;
		if (state.phase === 'asked') return tell('asked-twice');
		if (state.phase === 'remembered') return { send: DECLINE, notice: { code: 'already' } };
		// Both tapped at once: each request is the other's yes, and each side has both nonces.
		if (state.phase === 'requesting') return { agreed: this.#agree(name, state.mine, theirs, now) };
		// Asked before this user confirmed the code: the question waits; Allow needs the code confirmed first.
		this.#state = { phase: 'asked', name, theirs };
		return {};
	}

	#agree(name: string, mine: Uint8Array, theirs: Uint8Array, now: number): Agreement {
		this.#state = { phase: 'remembered', name };
		const { key, sessionId, role } = this.context;
		const nonces = role === 'host' ? { host: mine, guest: theirs } : { host: theirs, guest: mine };
		return { key, sessionId, role, nonces, name, createdAt: now };
	}
}

/** What to keep and what to register (`POST /api/pairings` with the id and both tokens) once both agreed. */
export interface RememberedPairing {
	record: PairingRecord;
	credentials: PairingCredentials;
}

/** Derives the pairing both devices agreed on (derive.ts): the same id, secret and tokens on each. */
export async function rememberedPairing(agreement: Agreement): Promise<RememberedPairing> {
	const { key, sessionId, role, nonces, name, createdAt } = agreement;
	const secret = await derivePairingSecret(key, sessionId, nonces);
	const credentials = await pairingCredentials(secret);
	return { record: { id: credentials.roomId, name, secret, role, createdAt }, credentials };
}
