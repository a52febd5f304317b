// What every room shares, a session's (worker/room.ts) and a remembered pairing's (worker/pairing-room.ts):
// two seats, the same frames, close codes and per-socket limits, the WebSocket Hibernation API and a single
// alarm for every deadline, so an idle room costs nothing and keeps no timers. A subclass decides only who
// gets which seat, and what leaving means for its stored record.
import { DurableObject } from 'cloudflare:workers';
import {
	CLOSE_CODES,
	CloseCode,
	JOIN_TIMEOUT_MS,
	MAX_SIGNAL_FRAME_BYTES,
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
import { TokenBucket } from './token-bucket';

/** Open sockets (joined or not yet) one room accepts at once. */
export const MAX_SOCKETS = 6;
/** Per-socket frame allowance: a burst of 100 (a full ICE trickle fits), then 20 per second. */
const FRAME_BURST = 100;
const FRAMES_PER_SECOND = 20;
export const ROLES: readonly Role[] = ['host', 'guest'];

/** What every room stores under its `recordKey`. */
export interface RoomRecord {
	/** When the room is deleted if nobody is seated; the alarm extends it while somebody is. */
	expiresAt: number;
	/** TURN credentials minted for each seat, handed out again while still usable. */
	turn: Partial<Record<Role, TurnGrant>>;
}

/** A subclass's answer to a join: the seat and the seat secret to hand out, or why it is refused. */
export type Admission = { role: Role; seat: string } | { refusal: ProtocolError };

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

export const isOpen = (ws: WebSocket) => ws.readyState === WebSocket.OPEN;

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

/** Constant-time comparison of two hex digests of equal length; false when there is no stored one. */
export function digestsMatch(candidate: string, stored: string | undefined): boolean {
	if (stored === undefined) return false;
	const a = encoder.encode(candidate);
	const b = encoder.encode(stored);
	return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}

/** `R`: the stored record; `P`: what a join's token and seat secret hash to (see `prove`). */
export abstract class SignalingRoom<R extends RoomRecord, P> extends DurableObject<Env> {
	private readonly buckets = new WeakMap<WebSocket, TokenBucket>();

	/** The storage key of the record. */
	protected abstract readonly recordKey: string;
	/** How long the room lives on past its expiry while somebody is still seated in it. */
	protected abstract readonly ttlMs: number;
	/** The reason given when the room does not exist (404, 4404). */
	protected abstract readonly missing: string;
	/** The reason open sockets are closed with (4404) when the room is deleted. */
	protected abstract readonly ended: string;

	/** All the crypto a join needs, done before the record is read (see `join`). */
	protected abstract prove(token: string, seat: string | undefined): Promise<P>;
	/** Who gets which seat, decided without awaiting; it may change the record, which is stored after. */
	protected abstract admit(record: R, proof: P): Admission;
	/** What a seat's leaving does to the record; true deletes the room. */
	protected abstract onLeave(record: R, role: Role, reason: LeaveReason, remaining: number): boolean;
	/** A seat was taken; `peerPresent`: the other seat's device is connected. */
	protected onSeated(_record: R, _peerPresent: boolean): void {}

	/** The WebSocket upgrade, forwarded by the router once the id is well formed. */
	async fetch(request: Request): Promise<Response> {
		if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
			return problem(426, 'upgrade-required', 'This endpoint only accepts WebSocket upgrades');
		}
		const record = await this.liveRecord();
		if (!record) return problem(404, 'not-found', this.missing);
		// Only open sockets count: one we closed whose peer never acknowledged stays listed until TCP ends.
		if (this.ctx.getWebSockets().filter(isOpen).length >= MAX_SOCKETS) {
			return problem(429, 'rate-limited', 'Too many connections to this room');
		}
		const { 0: client, 1: server } = new WebSocketPair();
		this.ctx.acceptWebSocket(server);
		server.serializeAttachment({ joinDeadline: Date.now() + JOIN_TIMEOUT_MS } satisfies Attachment);
		await this.scheduleAlarm(record);
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
		// all) is a lost connection: the peer keeps its seat and may come back.
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
		const record = await this.record();
		if (!record) return;
		if (record.expiresAt <= now) {
			if (this.joined().length === 0) return this.destroy();
			// Someone is still in the room: it lives on while it is in use.
			record.expiresAt = now + this.ttlMs;
			await this.save(record);
		}
		await this.scheduleAlarm(record);
	}

	private async join(ws: WebSocket, token: string, seat: string | undefined): Promise<void> {
		const state = attachment(ws);
		if (state.role) return this.refuse(ws, { code: CloseCode.malformed, reason: 'Already joined' });
		// Everything that awaits crypto comes first, so that reading the seats, deciding and storing the
		// decision run without another join slipping in between (storage calls hold the input gate).
		const now = Date.now();
		const proof = await this.prove(token, seat);
		const freshTurn = await mintTurn(this.env, now);
		const record = await this.liveRecord();
		// The socket may have been closed meanwhile (join deadline, the peer hung up): it takes no seat.
		if (!isOpen(ws)) return;
		if (!record) return this.refuse(ws, { code: CloseCode.noSession, reason: this.missing });
		const admission = this.admit(record, proof);
		if ('refusal' in admission) {
			await this.save(record);
			return this.refuse(ws, admission.refusal);
		}
		const { role } = admission;
		// A stale socket (half-open after a network switch) may still hold the seat: the newest one wins.
		for (const stale of this.holders(role)) {
			stale.serializeAttachment({ ...attachment(stale), role: undefined } satisfies Attachment);
			stale.close(CloseCode.replaced, 'Replaced by a newer connection from the same device');
		}
		ws.serializeAttachment({ ...state, role } satisfies Attachment);
		const peer = this.joined().find((other) => other !== ws);
		this.onSeated(record, peer !== undefined);
		const turn = stillUsable(record.turn[role], now) ? record.turn[role] : freshTurn;
		record.turn[role] = turn;
		await this.save(record);
		await this.scheduleAlarm(record);
		send(ws, {
			type: 'joined',
			role,
			peerPresent: peer !== undefined,
			iceServers: iceServers(this.env, turn),
			iceTransportPolicy: this.env.ICE_TRANSPORT_POLICY === 'relay' ? 'relay' : 'all',
			seat: admission.seat,
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

	/** A seated socket is gone: tell its peer, and let the subclass update the record. */
	private async leave(ws: WebSocket, reason: LeaveReason): Promise<void> {
		const state = attachment(ws);
		if (!state?.role) return;
		const role = state.role;
		// Runs once per socket: a later close event of the same socket finds no role.
		ws.serializeAttachment({ ...state, role: undefined } satisfies Attachment);
		const remaining = this.joined().filter((other) => other !== ws);
		for (const other of remaining) send(other, { type: 'peer-left', reason });
		const record = await this.record();
		if (!record) return;
		if (this.onLeave(record, role, reason, remaining.length)) return this.destroy();
		await this.save(record);
		await this.scheduleAlarm(record);
	}

	/** Closes every open socket, seated or not, without telling anyone that a peer left. */
	protected closeAll(code: CloseCode, reason: string): void {
		for (const ws of this.ctx.getWebSockets()) {
			if (attachment(ws)?.role) ws.serializeAttachment({ ...attachment(ws), role: undefined });
			if (isOpen(ws)) ws.close(code, reason);
		}
	}

	/** Deletes everything this room stored: from now on its id answers 404. */
	protected async destroy(): Promise<void> {
		this.closeAll(CloseCode.noSession, this.ended);
		await this.ctx.storage.deleteAlarm();
		await this.ctx.storage.deleteAll();
	}

	protected joined(): WebSocket[] {
		return this.ctx.getWebSockets().filter((ws) => isOpen(ws) && attachment(ws).role !== undefined);
	}

	/** Sockets that still hold `role`, open or closing. */
	private holders(role: Role): WebSocket[] {
		return this.ctx.getWebSockets().filter((ws) => attachment(ws)?.role === role);
	}

	protected async record(): Promise<R | undefined> {
		const record = await this.ctx.storage.get<R>(this.recordKey);
		if (record) record.turn ??= {};
		return record;
	}

	protected save(record: R): Promise<void> {
		return this.ctx.storage.put(this.recordKey, record);
	}

	/** The record, unless its time ran out with nobody in the room (the alarm may not have run yet). */
	protected async liveRecord(): Promise<R | undefined> {
		const record = await this.record();
		if (record && record.expiresAt <= Date.now() && this.joined().length === 0) {
			await this.destroy();
			return undefined;
		}
		return record;
	}

	/** The next deadline: the record's expiry or the join deadline of a socket still open and silent. */
	protected async scheduleAlarm(record: R): Promise<void> {
		const deadlines = this.ctx
			.getWebSockets()
			.filter(isOpen)
			.map(attachment)
			.filter((state) => !state.role)
			.map((state) => state.joinDeadline);
		await this.ctx.storage.setAlarm(Math.min(record.expiresAt, ...deadlines));
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
