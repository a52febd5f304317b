// One Durable Object per session relays signaling between its two peers. It uses the WebSocket
// Hibernation API and a single alarm for every deadline, so an idle room costs nothing and keeps no timers.
import { DurableObject } from 'cloudflare:workers';
import {
	CLOSE_CODES,
	CloseCode,
	JOIN_TIMEOUT_MS,
	MAX_FRAME_BYTES,
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
import { iceServers } from './ice';
import { sha256Hex } from './random';
import { TokenBucket } from './token-bucket';

/** Wrong tokens a session tolerates before it refuses every further join. */
export const MAX_FAILED_JOINS = 5;
/** Sockets (joined or not yet) one room accepts at once. */
export const MAX_SOCKETS = 6;
/** Per-socket frame allowance: a burst of 100 (a full ICE trickle fits), then 20 per second. */
const FRAME_BURST = 100;
const FRAMES_PER_SECOND = 20;

interface Session {
	tokenHash: string;
	expiresAt: number;
	/** Both peers have been in the room at once; from then on an empty room is deleted. */
	paired: boolean;
	failedJoins: number;
}

interface Attachment {
	role?: Role;
	joinDeadline: number;
}

const encoder = new TextEncoder();

function byteLength(text: string): number {
	return text.length * 3 <= MAX_FRAME_BYTES ? text.length : encoder.encode(text).byteLength;
}

function attachment(ws: WebSocket): Attachment {
	return ws.deserializeAttachment() as Attachment;
}

function send(ws: WebSocket, message: ServerMessage): void {
	ws.send(JSON.stringify(message));
}

function closeWith(ws: WebSocket, error: ProtocolError): void {
	ws.close(error.code, error.reason);
}

export class Room extends DurableObject<Env> {
	private readonly buckets = new WeakMap<WebSocket, TokenBucket>();

	/** Stores a new session; false if this id is already taken. */
	async create(tokenHash: string, expiresAt: number): Promise<boolean> {
		if (await this.ctx.storage.get<Session>('session')) return false;
		const session: Session = { tokenHash, expiresAt, paired: false, failedJoins: 0 };
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
		if (this.ctx.getWebSockets().length >= MAX_SOCKETS) {
			return problem(429, 'rate-limited', 'Too many connections to this session');
		}
		const { 0: client, 1: server } = new WebSocketPair();
		this.ctx.acceptWebSocket(server);
		server.serializeAttachment({ joinDeadline: Date.now() + JOIN_TIMEOUT_MS } satisfies Attachment);
		await this.scheduleAlarm(session);
		return new Response(null, { status: 101, webSocket: client });
	}

	async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
		if (typeof message !== 'string') {
			return closeWith(ws, { code: CloseCode.malformed, reason: 'Binary frames are not accepted' });
		}
		if (byteLength(message) > MAX_FRAME_BYTES) {
			return closeWith(ws, { code: CloseCode.tooLarge, reason: 'Frame is larger than 16 KiB' });
		}
		if (!this.bucketFor(ws).take(Date.now())) {
			return closeWith(ws, { code: CloseCode.rateLimited, reason: 'Too many frames; slow down' });
		}
		const parsed = parseClientMessage(message);
		if (!parsed.ok) return closeWith(ws, parsed.error);
		const frame = parsed.value;
		if (frame.type === 'join') return this.join(ws, frame.token);
		return this.relay(ws, frame.data);
	}

	async webSocketClose(ws: WebSocket, code: number): Promise<void> {
		// The Hibernation API leaves the closing handshake to us; 1005/1006 may not be sent back.
		ws.close(code === 1005 || code === 1006 ? 1000 : code, 'Closed');
		// A clean close (1000 the app's Leave, 1001 page closed, 1005 no status) or one of our own 44xx
		// refusals ends a peer for good; anything else (1006 above all) is a lost connection, it may come back.
		const deliberate = code === 1000 || code === 1001 || code === 1005 || CLOSE_CODES.includes(code);
		await this.leave(ws, deliberate ? 'left' : 'dropped');
	}

	async webSocketError(ws: WebSocket): Promise<void> {
		await this.leave(ws, 'dropped');
	}

	async alarm(): Promise<void> {
		const now = Date.now();
		for (const ws of this.ctx.getWebSockets()) {
			const state = attachment(ws);
			if (!state.role && state.joinDeadline <= now) {
				closeWith(ws, { code: CloseCode.joinTimeout, reason: 'No join frame within 5 s' });
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

	private async join(ws: WebSocket, token: string): Promise<void> {
		const state = attachment(ws);
		if (state.role) {
			return closeWith(ws, { code: CloseCode.malformed, reason: 'Already joined' });
		}
		const session = await this.liveSession();
		if (!session) {
			return closeWith(ws, { code: CloseCode.noSession, reason: 'No such session, or it has expired' });
		}
		if (session.failedJoins >= MAX_FAILED_JOINS) {
			return closeWith(ws, {
				code: CloseCode.rateLimited,
				reason: 'Too many wrong tokens; this session refuses further joins',
			});
		}
		if (!tokenMatches(await sha256Hex(token), session.tokenHash)) {
			session.failedJoins += 1;
			await this.ctx.storage.put('session', session);
			return closeWith(ws, { code: CloseCode.wrongToken, reason: 'Wrong token for this session' });
		}
		const others = this.joined().filter((other) => other !== ws);
		if (others.length >= 2) {
			return closeWith(ws, { code: CloseCode.full, reason: 'Session is full: two peers are connected' });
		}
		const taken = others.map((other) => attachment(other).role);
		const role: Role = taken.includes('host') ? 'guest' : 'host';
		ws.serializeAttachment({ ...state, role } satisfies Attachment);
		if (others.length === 1 && !session.paired) {
			session.paired = true;
			await this.ctx.storage.put('session', session);
		}
		send(ws, {
			type: 'joined',
			role,
			peerPresent: others.length === 1,
			iceServers: await iceServers(this.env, Date.now()),
			iceTransportPolicy: this.env.ICE_TRANSPORT_POLICY === 'relay' ? 'relay' : 'all',
		});
		for (const other of others) send(other, { type: 'peer-joined' });
	}

	private relay(ws: WebSocket, data: SignalData): void {
		if (!attachment(ws).role) {
			return closeWith(ws, { code: CloseCode.malformed, reason: 'Send a join frame first' });
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

	private async leave(ws: WebSocket, reason: LeaveReason): Promise<void> {
		const role = attachment(ws)?.role;
		if (!role) return;
		const remaining = this.joined().filter((other) => other !== ws);
		for (const other of remaining) send(other, { type: 'peer-left', reason });
		const session = await this.session();
		if (remaining.length === 0 && session?.paired) await this.destroy();
	}

	/** Deletes everything this room stored: from now on its id answers 404. */
	private async destroy(): Promise<void> {
		for (const ws of this.ctx.getWebSockets()) {
			closeWith(ws, { code: CloseCode.noSession, reason: 'Session has ended' });
		}
		await this.ctx.storage.deleteAlarm();
		await this.ctx.storage.deleteAll();
	}

	private joined(): WebSocket[] {
		return this.ctx
			.getWebSockets()
			.filter((ws) => ws.readyState === WebSocket.OPEN && attachment(ws).role !== undefined);
	}

	private session(): Promise<Session | undefined> {
		return this.ctx.storage.get<Session>('session');
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

	private async scheduleAlarm(session: Session): Promise<void> {
		const deadlines = this.ctx
			.getWebSockets()
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

/** Constant-time comparison of two hex digests of equal length. */
function tokenMatches(candidateHash: string, storedHash: string): boolean {
	const a = encoder.encode(candidateHash);
	const b = encoder.encode(storedHash);
	return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}
