// The app's signaling socket against a real WebSocket server on loopback: it keeps the seat secret it was
// given, sends it with every rejoin, retries where a retry can work and stops on final refusals.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { UserError } from '../../src/lib/errors';
import { CloseCode, type ServerMessage } from '../../src/lib/protocol/signaling';
import { SignalingClient } from '../../src/lib/session/signaling-client';

// Node 22 has the browser's WebSocket; on an older Node (a runner's own) the ws client, which speaks the same API.
if (!('WebSocket' in globalThis)) vi.stubGlobal('WebSocket', NodeWebSocket);

const PATH = `/api/sessions/${'A'.repeat(20)}/ws`;
const TOKEN = 'T'.repeat(32);
const SEAT = 'S'.repeat(31) + '1';

interface Down {
	error: UserError;
	retrying: boolean;
}

/** A loopback server that hands each new connection to `onJoin` with the join frame it received. */
async function server(onJoin: (socket: ServerSocket, join: Record<string, unknown>, n: number) => void) {
	const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
	await new Promise((resolve) => wss.once('listening', resolve));
	const joins: Record<string, unknown>[] = [];
	const paths: string[] = [];
	wss.on('connection', (socket, request) => {
		paths.push(request.url ?? '');
		socket.once('message', (data) => {
			const join = JSON.parse(String(data)) as Record<string, unknown>;
			joins.push(join);
			onJoin(socket, join, joins.length);
		});
	});
	const { port } = wss.address() as AddressInfo;
	return { origin: `http://127.0.0.1:${port}`, joins, paths, close: () => wss.close() };
}

function joined(seat: string): string {
	return JSON.stringify({
		type: 'joined',
		role: 'guest',
		peerPresent: true,
		iceServers: [],
		iceTransportPolicy: 'all',
		seat,
	});
}

let cleanup: (() => void)[] = [];
afterEach(() => {
	for (const step of cleanup) step();
	cleanup = [];
});

function client(origin: string, path = PATH) {
	const messages: ServerMessage[] = [];
	const downs: Down[] = [];
	const signaling = new SignalingClient(
		path,
		TOKEN,
		{ message: (m) => messages.push(m), down: (error, retrying) => downs.push({ error, retrying }) },
		origin,
	);
	cleanup.push(() => signaling.close());
	return { signaling, messages, downs };
}

describe('SignalingClient rooms', () => {
	it.each([PATH, `/api/pairings/${'R'.repeat(20)}/ws`])(
		'opens the socket of the room it was given: %s',
		async (path) => {
			const srv = await server((socket) => socket.send(joined(SEAT)));
			cleanup.push(srv.close);
			const { signaling, messages } = client(srv.origin, path);
			signaling.connect();
			await expect.poll(() => messages.length, { timeout: 5_000 }).toBe(1);
			expect(srv.paths).toEqual([path]);
			expect(srv.joins).toEqual([{ type: 'join', token: TOKEN }]);
		},
	);
});

describe('SignalingClient seats', () => {
	it('joins without a seat first, then sends the seat secret it was given with every rejoin', async () => {
		const srv = await server((socket, _join, n) => {
			socket.send(joined(SEAT));
			// The first two connections drop as a network switch would (no close frame).
			if (n <= 2) setTimeout(() => socket.terminate(), 20);
		});
		cleanup.push(srv.close);
		const { signaling, messages } = client(srv.origin);
		signaling.connect();
		await expect.poll(() => srv.joins.length, { timeout: 5_000 }).toBe(3);
		expect(srv.joins[0]).toEqual({ type: 'join', token: TOKEN });
		expect(srv.joins[1]).toEqual({ type: 'join', token: TOKEN, seat: SEAT });
		expect(srv.joins[2]).toEqual({ type: 'join', token: TOKEN, seat: SEAT });
		await expect.poll(() => messages.filter((m) => m.type === 'joined').length, { timeout: 5_000 }).toBe(3);
	});

	it('takes its seat back on a new socket when told the network is back, even if the old one looks open', async () => {
		// The first socket stays open but silent: half-open after a network switch, as far as anyone can tell.
		const srv = await server((socket) => socket.send(joined(SEAT)));
		cleanup.push(srv.close);
		const { signaling, messages, downs } = client(srv.origin);
		signaling.connect();
		await expect.poll(() => messages.length, { timeout: 5_000 }).toBe(1);
		signaling.retryNow();
		await expect.poll(() => srv.joins.length, { timeout: 5_000 }).toBe(2);
		expect(srv.joins[1]).toEqual({ type: 'join', token: TOKEN, seat: SEAT });
		await expect.poll(() => messages.length, { timeout: 5_000 }).toBe(2);
		expect(downs).toEqual([]);
	});

	it('retries when a newer socket of its own replaced this one', async () => {
		const srv = await server((socket, _join, n) => {
			if (n === 1) socket.close(CloseCode.replaced, 'Replaced by a newer connection from the same device');
			else socket.send(joined(SEAT));
		});
		cleanup.push(srv.close);
		const { signaling, downs, messages } = client(srv.origin);
		signaling.connect();
		await expect.poll(() => messages.length, { timeout: 5_000 }).toBe(1);
		expect(downs).toHaveLength(1);
		expect(downs[0].retrying).toBe(true);
		expect(srv.joins).toHaveLength(2);
	});

	it.each([
		[CloseCode.full, /already paired/],
		[CloseCode.wrongToken, /not valid/],
		[CloseCode.rateLimited, /refused/],
		[CloseCode.forgotten, /forgot/],
	])('stops for good on %i and says why', async (code, message) => {
		const srv = await server((socket) => socket.close(code, 'refused by the test'));
		cleanup.push(srv.close);
		const { signaling, downs } = client(srv.origin);
		signaling.connect();
		await expect.poll(() => downs.length, { timeout: 5_000 }).toBe(1);
		expect(downs[0].retrying).toBe(false);
		expect(downs[0].error.message).toMatch(message);
		await new Promise((resolve) => setTimeout(resolve, 700));
		expect(srv.joins).toHaveLength(1);
	});
});
