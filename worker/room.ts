// One Durable Object per session relays signaling between its two peers (the seats, frames, limits and
// alarm are worker/signaling-room.ts). Each of the two seats belongs to the device that first took it (its
// seat secret), so a stranger with the link cannot take the place of a peer that lost its connection, and
// wrong tokens cannot lock the peers out.
import { randomAlphanumeric } from '../src/lib/protocol/random';
import {
	CloseCode,
	SEAT_SECRET_LENGTH,
	SESSION_TTL_MS,
	type LeaveReason,
	type Role,
} from '../src/lib/protocol/signaling';
import { sha256Hex } from './digest';
import { ROLES, SignalingRoom, digestsMatch, type Admission, type RoomRecord } from './signaling-room';

export { MAX_SOCKETS } from './signaling-room';

/** Wrong tokens a session tolerates before it refuses every join that does not bring a seat secret. */
export const MAX_FAILED_JOINS = 5;

interface Session extends RoomRecord {
	tokenHash: string;
	/** Both seats have been held at once; from then on the room is deleted once both are freed. */
	paired: boolean;
	failedJoins: number;
	/** SHA-256 of each held seat's secret; a seat is absent while free. */
	seats: Partial<Record<Role, string>>;
}

/** A join's token and seat secret, hashed, and the secret a newcomer would get. */
interface Proof {
	tokenHash: string;
	seat?: string;
	seatHash?: string;
	newSecret: string;
	newSecretHash: string;
}

export class Room extends SignalingRoom<Session, Proof> {
	protected readonly recordKey = 'session';
	protected readonly ttlMs = SESSION_TTL_MS;
	protected readonly missing = 'No such session, or it has expired';
	protected readonly ended = 'Session has ended';

	/** Stores a new session; false if this id is already taken. */
	async create(tokenHash: string, expiresAt: number): Promise<boolean> {
		if (await this.record()) return false;
		const session: Session = { tokenHash, expiresAt, paired: false, failedJoins: 0, seats: {}, turn: {} };
		await this.save(session);
		await this.scheduleAlarm(session);
		return true;
	}

	protected async prove(token: string, seat: string | undefined): Promise<Proof> {
		const newSecret = randomAlphanumeric(SEAT_SECRET_LENGTH);
		return {
			tokenHash: await sha256Hex(token),
			seat,
			seatHash: seat === undefined ? undefined : await sha256Hex(seat),
			newSecret,
			newSecretHash: await sha256Hex(newSecret),
		};
	}

	protected admit(session: Session, proof: Proof): Admission {
		const tokenOk = digestsMatch(proof.tokenHash, session.tokenHash);
		const seatHash = proof.seatHash;
		const returning =
			tokenOk && seatHash ? ROLES.find((r) => digestsMatch(seatHash, session.seats[r])) : undefined;
		if (returning) return { role: returning, seat: proof.seat as string };
		if (session.failedJoins >= MAX_FAILED_JOINS) {
			return {
				refusal: {
					code: CloseCode.rateLimited,
					reason: 'Too many wrong tokens; this session now admits only its own two devices',
				},
			};
		}
		if (!tokenOk) {
			session.failedJoins += 1;
			return { refusal: { code: CloseCode.wrongToken, reason: 'Wrong token for this session' } };
		}
		const role = ROLES.find((r) => session.seats[r] === undefined);
		if (!role) {
			return {
				refusal: { code: CloseCode.full, reason: 'Session is full: both seats are taken by two devices' },
			};
		}
		session.seats[role] = proof.newSecretHash;
		return { role, seat: proof.newSecret };
	}

	protected onSeated(session: Session, peerPresent: boolean): void {
		if (peerPresent) session.paired = true;
	}

	/** A deliberate leave frees the seat for a new device; a drop gives the device time to come back. */
	protected onLeave(session: Session, role: Role, reason: LeaveReason, remaining: number): boolean {
		if (reason === 'left') {
			delete session.seats[role];
		} else {
			// Give a peer that lost its connection the full session time to come back.
			session.expiresAt = Math.max(session.expiresAt, Date.now() + SESSION_TTL_MS);
		}
		const seatsHeld = ROLES.some((r) => session.seats[r] !== undefined);
		return remaining === 0 && session.paired && !seatsHeld;
	}

	/** Sessions stored before seats existed have no seats. */
	protected async record(): Promise<Session | undefined> {
		const session = await super.record();
		if (session) session.seats ??= {};
		return session;
	}
}
