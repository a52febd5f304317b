// Test clients that talk to the Worker exactly as the app does: HTTP for session creation and a real
// WebSocket (the upgrade response's socket) for signaling, with a queue so tests can await each frame.
import { env, exports } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import type { ServerMessage } from '../../src/lib/protocol/signaling';
import type { Room } from '../../worker/room';

const ORIGIN = 'https://pairbeam.test';

export interface Created {
	id: string;
	token: string;
	expiresAt: number;
}

let clientCounter = 0;
/** A fresh client /64 per call, so the per-client creation limit only bites where a test wants it. */
export function freshIp(): string {
	clientCounter += 1;
	return `2001:db8:${clientCounter.toString(16)}::1`;
}

export function api(path: string, init: RequestInit = {}): Promise<Response> {
	return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

export async function postSession(ip = freshIp(), headers: HeadersInit = {}): Promise<Created> {
	const res = await api('/api/sessions', {
		method: 'POST',
		headers: { 'CF-Connecting-IP': ip, ...headers },
	});
	if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
	return res.json();
}

export interface Closed {
	code: number;
	reason: string;
}

export class Client {
	private readonly queue: ServerMessage[] = [];
	private readonly waiters: ((m: ServerMessage) => void)[] = [];
	readonly closed: Promise<Closed>;

	constructor(readonly ws: WebSocket) {
		ws.accept();
		ws.addEventListener('message', (event) => {
			const message = JSON.parse(event.data as string) as ServerMessage;
			const waiter = this.waiters.shift();
			if (waiter) waiter(message);
			else this.queue.push(message);
		});
		this.closed = new Promise((resolve) => {
			ws.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason }));
		});
	}

	/** The next server frame; fails the test if none arrives within `ms`. */
	next(ms = 2_000): Promise<ServerMessage> {
		const queued = this.queue.shift();
		if (queued) return Promise.resolve(queued);
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no frame within ${ms} ms`)), ms);
			this.waiters.push((m) => {
				clearTimeout(timer);
				resolve(m);
			});
		});
	}

	/** Resolves true if no frame arrives within `ms` (for "nothing was relayed" checks). */
	async silentFor(ms: number): Promise<boolean> {
		if (this.queue.length > 0) return false;
		return Promise.race([
			new Promise<boolean>((resolve) => setTimeout(() => resolve(true), ms)),
			new Promise<boolean>((resolve) => this.waiters.push(() => resolve(false))),
		]);
	}

	send(frame: unknown): void {
		this.ws.send(typeof frame === 'string' || frame instanceof ArrayBuffer ? frame : JSON.stringify(frame));
	}

	/** Sends a join; `seat` is the seat secret from an earlier `joined`, to take that seat back. */
	join(token: string, seat?: string): void {
		this.send(seat === undefined ? { type: 'join', token } : { type: 'join', token, seat });
	}

	close(): void {
		this.ws.close(1000, 'done');
	}
}

export async function upgrade(id: string): Promise<Response> {
	return api(`/api/sessions/${id}/ws`, { headers: { Upgrade: 'websocket' } });
}

export async function connect(id: string): Promise<Client> {
	const res = await upgrade(id);
	if (res.status !== 101 || !res.webSocket) {
		throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
	}
	return new Client(res.webSocket);
}

export type Joined = Extract<ServerMessage, { type: 'joined' }>;

/** Connects and joins (with a seat secret to take that seat back); resolves once `joined` has arrived. */
export async function joined(session: Created, seat?: string): Promise<{ client: Client; hello: Joined }> {
	const client = await connect(session.id);
	client.join(session.token, seat);
	const hello = await client.next();
	if (hello.type !== 'joined') throw new Error(`expected joined, got ${JSON.stringify(hello)}`);
	return { client, hello };
}

/** A paired session: host and guest joined, the host's `peer-joined` consumed; `seats` are their secrets. */
export async function paired(): Promise<{
	session: Created;
	host: Client;
	guest: Client;
	seats: { host: string; guest: string };
}> {
	const session = await postSession();
	const host = await joined(session);
	const guest = await joined(session);
	await host.client.next();
	return {
		session,
		host: host.client,
		guest: guest.client,
		seats: { host: host.hello.seat, guest: guest.hello.seat },
	};
}

export const offer = {
	type: 'signal',
	data: { kind: 'description', description: { type: 'offer', sdp: 'v=0\r\n' } },
} as const;

export const candidate = {
	type: 'signal',
	data: {
		kind: 'candidate',
		candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 },
	},
} as const;

/** Asserts that a pair still relays both ways (used after each bad-input case). */
export async function relaysBothWays(a: Client, b: Client): Promise<boolean> {
	a.send(offer);
	const atB = await b.next();
	b.send(candidate);
	const atA = await a.next();
	return JSON.stringify(atB) === JSON.stringify(offer) && JSON.stringify(atA) === JSON.stringify(candidate);
}

/** Errors thrown by a room's own handlers, which a client would only see as a dropped socket. */
export interface RoomWatch {
	errors: string[];
}

/** Records every error the real handlers of this room throw from now on (they still throw it). */
export async function watchRoom(id: string): Promise<RoomWatch> {
	const watch: RoomWatch = { errors: [] };
	await runInDurableObject(env.ROOMS.getByName(id), (room: Room) => {
		const handlers = ['fetch', 'webSocketMessage', 'webSocketClose', 'webSocketError', 'alarm'] as const;
		for (const name of handlers) {
			const handler = (room[name] as (...args: unknown[]) => Promise<unknown>).bind(room);
			Object.assign(room, {
				[name]: async (...args: unknown[]) => {
					try {
						return await handler(...args);
					} catch (error) {
						watch.errors.push(`${name}: ${String(error)}`);
						throw error;
					}
				},
			});
		}
	});
	return watch;
}
