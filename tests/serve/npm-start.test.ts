// The README's `npm start` itself: it builds, serves the page with its security headers and pairs two
// real WebSocket clients through the signaling API on one port; Ctrl-C, or a supervisor's signal to npm
// alone, then leaves no process and no port behind.
import { createHash } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../src/lib/protocol/signaling';
import { isAlive, startServer, type RunningServer } from '../harness/server';

let server: RunningServer;

beforeAll(async () => {
	server = await startServer();
});

afterAll(async () => {
	await server?.stop();
});

class WsClient {
	private readonly queue: ServerMessage[] = [];
	private readonly waiters: ((m: ServerMessage) => void)[] = [];
	readonly opened: Promise<void>;

	constructor(readonly ws: WebSocket) {
		ws.on('message', (data) => {
			const message = JSON.parse(data.toString()) as ServerMessage;
			const waiter = this.waiters.shift();
			if (waiter) waiter(message);
			else this.queue.push(message);
		});
		this.opened = new Promise((resolve, reject) => {
			ws.once('open', () => resolve());
			ws.once('error', reject);
		});
	}

	next(): Promise<ServerMessage> {
		const queued = this.queue.shift();
		if (queued) return Promise.resolve(queued);
		return new Promise((resolve) => this.waiters.push(resolve));
	}

	send(frame: unknown): void {
		this.ws.send(JSON.stringify(frame));
	}
}

async function join(id: string, token: string): Promise<{ client: WsClient; hello: ServerMessage }> {
	const client = new WsClient(new WebSocket(`${server.url.replace('http', 'ws')}/api/sessions/${id}/ws`));
	await client.opened;
	client.send({ type: 'join', token });
	return { client, hello: await client.next() };
}

describe('npm start', () => {
	it('serves the app with security headers whose script hashes match the page', async () => {
		const res = await fetch(`${server.url}/`);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('Pairbeam');
		const csp = res.headers.get('content-security-policy') ?? '';
		expect(csp).toContain("frame-ancestors 'none'");
		expect(res.headers.get('referrer-policy')).toBe('no-referrer');
		expect(res.headers.get('permissions-policy')).toContain('camera=(self)');
		const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
		expect(inline.length).toBeGreaterThan(0);
		for (const body of inline) {
			expect(csp).toContain(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
		}
	});

	it('serves the app shell for deep links such as /j', async () => {
		const res = await fetch(`${server.url}/j`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
	});

	it('pairs two ws clients and relays signals both ways', async () => {
		const res = await fetch(`${server.url}/api/sessions`, { method: 'POST' });
		expect(res.status).toBe(201);
		const { id, token } = (await res.json()) as { id: string; token: string };
		const host = await join(id, token);
		expect(host.hello).toMatchObject({ type: 'joined', role: 'host', peerPresent: false });
		const guest = await join(id, token);
		expect(guest.hello).toMatchObject({ type: 'joined', role: 'guest', peerPresent: true });
		expect(await host.client.next()).toEqual({ type: 'peer-joined' });
		const offer = { kind: 'description', description: { type: 'offer', sdp: 'v=0\r\n' } };
		host.client.send({ type: 'signal', data: offer });
		expect(await guest.client.next()).toEqual({ type: 'signal', data: offer });
		const end = { kind: 'candidate', candidate: null };
		guest.client.send({ type: 'signal', data: end });
		expect(await host.client.next()).toEqual({ type: 'signal', data: end });
		const left = host.client.next();
		guest.client.ws.close();
		expect(await left).toEqual({ type: 'peer-left', reason: 'left' });
		host.client.ws.close();
	});

	it('stops on Ctrl-C and leaves no process or port behind', async () => {
		await expectStopsCleanly(server, () => server.stop());
	});

	// A supervisor (systemd, a process manager, a container runtime) signals only the PID it started.
	it.each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)(
		'stops when a supervisor sends %s to the npm process alone, leaving no process or port behind',
		async (signal) => {
			const supervised = await startServer({ skipBuild: true });
			await expectStopsCleanly(supervised, () => supervised.stop(signal));
		},
	);
});

function refusesConnections(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = tcpConnect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', () => resolve(true));
	});
}

async function expectStopsCleanly(running: RunningServer, stop: () => Promise<void>): Promise<void> {
	const children = running.descendants();
	expect(children.length).toBeGreaterThanOrEqual(3);
	try {
		await stop();
		await expect.poll(() => children.filter(isAlive), { timeout: 10_000 }).toEqual([]);
		expect(await refusesConnections(running.port)).toBe(true);
	} finally {
		for (const pid of children.filter(isAlive)) process.kill(pid, 'SIGKILL');
	}
}
