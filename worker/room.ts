// One Durable Object per session relays signaling between its two peers. It uses the WebSocket
// Hibernation API and a single alarm for every deadline, so an idle room costs nothing and keeps no timers.
// Each of the two seats belongs to the device that first took it (its seat secret), so a stranger with the
// link cannot take the place of a peer that lost its connection, and wrong tokens cannot lock the peers out.
import { DurableObject } from 'cloudflare:workers';
import { randomAlphanumeric } from '../src/lib/protocol/random';
import {
	CLOSE_CODES,
	CloseCode,
	JOIN_TIMEOUT_MS,
	MAX_SIGNAL_FRAME_BYTES,
	SEAT_SECRET_LENGTH,
	SESSION_TTL_MS,
	parseClientMessage,
	type LeaveReason,
	type ProtocolError,
	type Role,
	type ServerMessage,
	type SignalData,
} from '../src/lib/protocol/signaling';
import type { Env } from './env';
import { problem } from './http';
import { iceServers, mintTurn, stillUsable, type TurnGrant } from './ice';
import { sha256Hex } from './digest';
import { TokenBucket } from './token-bucket';

/** Wrong tokens a session tolerates before it refuses every join that does not bring a seat secret. */
export const MAX_FAILED_JOINS = 5;
/** Open sockets (joined or not yet) one room accepts at once. */
export const MAX_SOCKETS = 6;
/** Per-socket frame allowance: a burst of 100 (a full ICE trickle fits), then 20 per second. */
const FRAME_BURST = 100;
const FRAMES_PER_SECOND = 20;
const ROLES: readonly Role[] = ['host', 'guest'];

interface Session {
	tokenHash: string;
	expiresAt: number;
	/** Both seats have been held at once; from then on the room is deleted once both are freed. */
	paired: boolean;
	failedJoins: number;
	/** SHA-256 of each held seat's secret; a seat is absent while free. */
	seats: Partial<Record<Role, string>>;
	/** TURN credentials minted for each seat, handed out again while still usable. */
	turn: Partial<Record<Role, TurnGrant>>;
}

interface Attachment {
	role?: Role;
	joinDeadline: number;
}

const encoder = new TextEncoder();

function byteLength(text: string): number {
	return text.length * 3 <= MAX_SIGNAL_FRAME_BYTES ? text.length : encoder.encode(text).byteLength;
}

function attachment(ws: WebSocket): Attachment {
	return ws.deserializeAttachment() as Attachment;
}

const isOpen = (ws: WebSocket) => ws.readyState === WebSocket.OPEN;

function send(ws: WebSocket, message: ServerMessage): void {
	ws.send(JSON.stringify(message));
}

/**
 * The code to answer a peer's close with. A server may send only 1000 and 3000-4999 back; the peer may
 * have sent anything (1004, 1015, 5000 from a raw client), and close() throws on those.
 */
function echoCode(code: number): number {
	return code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000;
}

/** A clean close (1000 the app's Leave, 1001 page closed, 1005 no status) or one of our own 44xx refusals. */
const isDeliberate = (code: number) =>
	code === 1000 || code === 1001 || code === 1005 || CLOSE_CODES.includes(code);

export class Room extends DurableObject<Env> {
	private readonly buckets = new WeakMap<WebSocket, TokenBucket>();

	/** Stores a new session; false if this id is already taken. */
	async create(tokenHash: string, expiresAt: number): Promise<boolean> {
		if (await this.ctx.storage.get<Session>('session')) return false;
		const session: Session = { tokenHash, expiresAt, paired: false, failedJoins: 0, seats: {}, turn: {} };
		await this.ctx.storage.put('session', session);
		await this.scheduleAlarm(session);
		return true;
	}

	/** The WebSocket upgrade, forwarded by the router once the id is well formed. */
	async fetch(request: Request): Promise<Response> {
		if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
			return problem(426, 'upgrade-required', 'This endpoint only accepts WebSocket upgrades');
		}
		const session = await this.liveSession();
		if (!session) return problem(404, 'not-found', 'No such session, or it has expired');
		// Only open sockets count: one we closed whose peer never acknowledged stays listed until TCP ends.
		if (this.ctx.getWebSockets().filter(isOpen).length >= MAX_SOCKETS) {
			return problem(429, 'rate-limited', 'Too many connections to this session');
		}
		const { 0: client, 1: server } = new WebSocketPair();
		this.ctx.acceptWebSocket(server);
		server.serializeAttachment({ joinDeadline: Date.now() + JOIN_TIMEOUT_MS } satisfies Attachment);
		await this.scheduleAlarm(session);
		return new Response(null, { status: 101, webSocket: client });
	}

	async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
		// Frames queued behind one we refused still arrive; the socket is closing and gets no answer.
		if (!isOpen(ws)) return;
		if (typeof message !== 'string') {
			return this.refuse(ws, { code: CloseCode.malformed, reason: 'Binary frames are not accepted' });
		}
		if (byteLength(message) > MAX_SIGNAL_FRAME_BYTES) {
			return this.refuse(ws, { code: CloseCode.tooLarge, reason: 'Frame is larger than 16 KiB' });
		}
		if (!this.bucketFor(ws).take(Date.now())) {
			return this.refuse(ws, { code: CloseCode.rateLimited, reason: 'Too many frames; slow down' });
		}
		const parsed = parseClientMessage(message);
		if (!parsed.ok) return this.refuse(ws, parsed.error);
		const frame = parsed.value;
		if (frame.type === 'join') return this.join(ws, frame.token, frame.seat);
		return this.relay(ws, frame.data);
	}

	async webSocketClose(ws: WebSocket, code: number): Promise<void> {
		// The Hibernation API leaves the closing handshake to us. Anything but a deliberate close (1006 above
		// all) is a lost connection: the peer keeps its seat and may come back with its secret.
		ws.close(echoCode(code), 'Closed');
		await this.leave(ws, isDeliberate(code) ? 'left' : 'dropped');
	}

	async webSocketError(ws: WebSocket): Promise<void> {
		await this.leave(ws, 'dropped');
	}

	async alarm(): Promise<void> {
		const now = Date.now();
		for (const ws of this.ctx.getWebSockets().filter(isOpen)) {
			const state = attachment(ws);
			if (!state.role && state.joinDeadline <= now) {
				ws.close(CloseCode.joinTimeout, 'No join frame within 5 s');
			}
		}
		const session = await this.session();
		if (!session) return;
		if (session.expiresAt <= now) {
			if (this.joined().length === 0) return this.destroy();
			// Someone is still in the room: the session lives on while it is in use.
			session.expiresAt = now + SESSION_TTL_MS;
			await this.ctx.storage.put('session', session);
		}
		await this.scheduleAlarm(session);
	}

	private async join(ws: WebSocket, token: string, seat: string | undefined): Promise<void> {
		const state = attachment(ws);
		if (state.role) return this.refuse(ws, { code: CloseCode.malformed, reason: 'Already joined' });
		// Everything that awaits crypto comes first, so that reading the seats, deciding and storing the
		// decision run without another join slipping in between (storage calls hold the input gate).
		const now = Date.now();
		const tokenHash = await sha256Hex(token);
		const seatHash = seat === undefined ? undefined : await sha256Hex(seat);
		const newSecret = randomAlphanumeric(SEAT_SECRET_LENGTH);
		const newSecretHash = await sha256Hex(newSecret);
		const freshTurn = await mintTurn(this.env, now);
		const session = await this.liveSession();
		// The socket may have been closed meanwhile (join deadline, the peer hung up): it takes no seat.
		if (!isOpen(ws)) return;
		if (!session) {
			return this.refuse(ws, { code: CloseCode.noSession, reason: 'No such session, or it has expired' });
		}
		const tokenOk = digestsMatch(tokenHash, session.tokenHash);
		const returning =
			tokenOk && seatHash ? ROLES.find((r) => digestsMatch(seatHash, session.seats[r])) : undefined;
		if (!returning) {
			if (session.failedJoins >= MAX_FAILED_JOINS) {
				return this.refuse(ws, {
					code: CloseCode.rateLimited,
					reason: 'Too many wrong tokens; this session now admits only its own two devices',
				});
			}
			if (!tokenOk) {
				session.failedJoins += 1;
				await this.ctx.storage.put('session', session);
				return this.refuse(ws, { code: CloseCode.wrongToken, reason: 'Wrong token for this session' });
			}
		}
		const role = returning ?? ROLES.find((r) => session.seats[r] === undefined);
		if (!role) {
			return this.refuse(ws, {
				code: CloseCode.full,
				reason: 'Session is full: both seats are taken by two devices',
			});
		}
		if (!returning) session.seats[role] = newSecretHash;
		// A stale socket (half-open after a network switch) may still hold the seat: the newest one wins.
		for (const stale of this.holders(role)) {
			stale.serializeAttachment({ ...attachment(stale), role: undefined } satisfies Attachment);
			stale.close(CloseCode.replaced, 'Replaced by a newer connection from the same device');
		}
		ws.serializeAttachment({ ...state, role } satisfies Attachment);
		const peer = this.joined().find((other) => other !== ws);
		if (peer) session.paired = true;
		const turn = stillUsable(session.turn[role], now) ? session.turn[role] : freshTurn;
		session.turn[role] = turn;
		await this.ctx.storage.put('session', session);
		send(ws, {
			type: 'joined',
			role,
			peerPresent: peer !== undefined,
			iceServers: iceServers(this.env, turn),
			iceTransportPolicy: this.env.ICE_TRANSPORT_POLICY === 'relay' ? 'relay' : 'all',
			seat: returning ? (seat as string) : newSecret,
		});
		if (peer) send(peer, { type: 'peer-joined' });
	}

	private relay(ws: WebSocket, data: SignalData): Promise<void> | void {
		if (!attachment(ws).role) {
			return this.refuse(ws, { code: CloseCode.malformed, reason: 'Send a join frame first' });
		}
		const peer = this.joined().find((other) => other !== ws);
		if (!peer) {
			return send(ws, {
				type: 'error',
				code: CloseCode.noSession,
				message: 'No peer is connected; the signal was not delivered',
			});
		}
		send(peer, { type: 'signal', data });
	}

	/** Closes a socket we refuse; a seated one leaves at once (its peer may never acknowledge the close). */
	private async refuse(ws: WebSocket, error: ProtocolError): Promise<void> {
		ws.close(error.code, error.reason);
		await this.leave(ws, 'left');
	}

	/** A seated socket is gone: tell its peer; a deliberate leave frees the seat for a new device. */
	private async leave(ws: WebSocket, reason: LeaveReason): Promise<void> {
		const state = attachment(ws);
		if (!state?.role) return;
		const role = state.role;
		// Runs once per socket: a later close event of the same socket finds no role.
		ws.serializeAttachment({ ...state, role: undefined } satisfies Attachment);
		const remaining = this.joined().filter((other) => other !== ws);
		for (const other of remaining) send(other, { type: 'peer-left', reason });
		const session = await this.session();
		if (!session) return;
		if (reason === 'left') {
			delete session.seats[role];
		} else {
			// Give a peer that lost its connection the full session time to come back.
			session.expiresAt = Math.max(session.expiresAt, Date.now() + SESSION_TTL_MS);
		}
		const seatsHeld = ROLES.some((r) => session.seats[r] !== undefined);
		if (remaining.length === 0 && session.paired && !seatsHeld) return this.destroy();
		await this.ctx.storage.put('session', session);
	}

	/** Deletes everything this room stored: from now on its id answers 404. */
	private async destroy(): Promise<void> {
		for (const ws of this.ctx.getWebSockets().filter(isOpen)) {
			ws.close(CloseCode.noSession, 'Session has ended');
		}
		await this.ctx.storage.deleteAlarm();
		await this.ctx.storage.deleteAll();
	}

	private joined(): WebSocket[] {
		return this.ctx.getWebSockets().filter((ws) => isOpen(ws) && attachment(ws).role !== undefined);
	}

	/** Sockets that still hold `role`, open or closing. */
	private holders(role: Role): WebSocket[] {
		return this.ctx.getWebSockets().filter((ws) => attachment(ws)?.role === role);
	}

	private async session(): Promise<Session | undefined> {
		const session = await this.ctx.storage.get<Session>('session');
		// Sessions stored before seats existed have neither field.
		if (session) {
			session.seats ??= {};
			session.turn ??= {};
		}
		return session;
	}

	/** The session, unless its time ran out with nobody in the room (the alarm may not have run yet). */
	private async liveSession(): Promise<Session | undefined> {
		const session = await this.session();
		if (session && session.expiresAt <= Date.now() && this.joined().length === 0) {
			await this.destroy();
			return undefined;
		}
		return session;
	}

	/** The next deadline: the session's expiry or the join deadline of a socket still open and silent. */
	private async scheduleAlarm(session: Session): Promise<void> {
		const deadlines = this.ctx
			.getWebSockets()
			.filter(isOpen)
			.map(attachment)
			.filter((state) => !state.role)
			.map((state) => state.joinDeadline);
		await this.ctx.storage.setAlarm(Math.min(session.expiresAt, ...deadlines));
	}

	private bucketFor(ws: WebSocket): TokenBucket {
		let bucket = this.buckets.get(ws);
		if (!bucket) {
			bucket = new TokenBucket(FRAME_BURST, FRAMES_PER_SECOND, Date.now());
			this.buckets.set(ws, bucket);
		}
		return bucket;
	}
}

/** Constant-time comparison of two hex digests of equal length; false when there is no stored one. */
function digestsMatch(candidate: string, stored: string | undefined): boolean {
	if (stored === undefined) return false;
	const a = encoder.encode(candidate);
	const b = encoder.encode(stored);
	return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}
