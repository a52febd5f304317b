// One Durable Object per remembered pairing: a room like a session's (worker/signaling-room.ts) whose two
// seats are each bound to one device's derived join token, which stays while the pairing lives instead of
// ending when both leave. Either device may forget it; the room then admits nobody, and is deleted once both
// have forgotten it or nobody used it for PAIRING_IDLE_TTL_MS.
import { randomAlphanumeric } from '../src/lib/protocol/random';
import { CloseCode, PAIRING_IDLE_TTL_MS, SEAT_SECRET_LENGTH, type Role } from '../src/lib/protocol/signaling';
import { sha256Hex } from './digest';
import { ROLES, SignalingRoom, digestsMatch, type Admission, type RoomRecord } from './signaling-room';

interface Pairing extends RoomRecord {
	/** SHA-256 of each seat's join token. */
	tokenHashes: Record<Role, string>;
	/** The seats whose device forgot the pairing. */
	forgotten: Role[];
}

export type Registered = { outcome: 'created' | 'exists'; expiresAt: number } | { outcome: 'conflict' };
export type Forgot = 'not-found' | 'wrong-token' | 'forgotten' | 'deleted';

const FORGOTTEN_REASON = 'This pairing was forgotten by one of its devices';

export class PairingRoom extends SignalingRoom<Pairing, string> {
	protected readonly recordKey = 'pairing';
	protected readonly ttlMs = PAIRING_IDLE_TTL_MS;
	protected readonly missing = 'No such pairing, or it was deleted';
	protected readonly ended = 'Pairing was deleted';

	/**
	 * Stores a new pairing. Registering the same tokens again is harmless (either device may register, and
	 * retry); other tokens for this id, or any once a device forgot it, are a conflict.
	 */
	async register(tokenHashes: Record<Role, string>): Promise<Registered> {
		const existing = await this.liveRecord();
		if (existing) {
			const same =
				existing.forgotten.length === 0 &&
				ROLES.every((role) => digestsMatch(tokenHashes[role], existing.tokenHashes[role]));
			return same ? { outcome: 'exists', expiresAt: existing.expiresAt } : { outcome: 'conflict' };
		}
		const pairing: Pairing = {
			tokenHashes,
			forgotten: [],
			expiresAt: Date.now() + PAIRING_IDLE_TTL_MS,
			turn: {},
		};
		await this.save(pairing);
		await this.scheduleAlarm(pairing);
		return { outcome: 'created', expiresAt: pairing.expiresAt };
	}

	/** The device holding the token forgets the pairing: nobody is admitted from now on, both forgot: deleted. */
	async forget(tokenHash: string): Promise<Forgot> {
		const pairing = await this.liveRecord();
		if (!pairing) return 'not-found';
		const role = roleOf(pairing, tokenHash);
		if (!role) return 'wrong-token';
		if (!pairing.forgotten.includes(role)) pairing.forgotten.push(role);
		if (ROLES.every((r) => pairing.forgotten.includes(r))) {
			await this.destroy();
			return 'deleted';
		}
		this.closeAll(CloseCode.forgotten, FORGOTTEN_REASON);
		await this.save(pairing);
		return 'forgotten';
	}

	protected prove(token: string): Promise<string> {
		return sha256Hex(token);
	}

	/**
	 * The token names the seat, so a newer socket with it always takes that seat over. Tokens carry 190 bits,
	 * so wrong ones are only refused, never counted: a lock would let anyone who learns the id lock both out.
	 * The seat secret of `joined` is required by the wire contract but unused here: `join.seat` is ignored.
	 */
	protected admit(pairing: Pairing, tokenHash: string): Admission {
		const role = roleOf(pairing, tokenHash);
		if (!role) return { refusal: { code: CloseCode.wrongToken, reason: 'Wrong token for this pairing' } };
		if (pairing.forgotten.length > 0) {
			return { refusal: { code: CloseCode.forgotten, reason: FORGOTTEN_REASON } };
		}
		pairing.expiresAt = Date.now() + PAIRING_IDLE_TTL_MS;
		return { role, seat: randomAlphanumeric(SEAT_SECRET_LENGTH) };
	}

	/** Leaving is use too; the seat stays with its token. */
	protected onLeave(pairing: Pairing): boolean {
		pairing.expiresAt = Date.now() + PAIRING_IDLE_TTL_MS;
		return false;
	}
}

function roleOf(pairing: Pairing, tokenHash: string): Role | undefined {
	return ROLES.find((role) => digestsMatch(tokenHash, pairing.tokenHashes[role]));
}
