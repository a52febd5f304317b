// Sockets that misbehave at the transport level: silent ones that never join (and never acknowledge our
// close), and peers that close with codes a server may not send back. Neither may wedge the room.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MAX_SOCKETS, type Room } from '../../worker/room';
import { CloseCode } from '../../src/lib/protocol/signaling';
import { connect, postSession, joined, paired, relaysBothWays, upgrade, watchRoom } from './client';

/** Counts how often the real alarm handler of this room runs from now on. */
async function countAlarms(id: string): Promise<() => number> {
	let runs = 0;
	await runInDurableObject(env.ROOMS.getByName(id), (room: Room) => {
		const alarm = room.alarm.bind(room);
		room.alarm = () => {
			runs += 1;
			return alarm();
		};
	});
	return () => runs;
}

describe('silent sockets', () => {
	it('closes sockets that never join nor acknowledge the close, without spinning the alarm', async () => {
		const session = await postSession();
		const stub = env.ROOMS.getByName(session.id);
		const alarms = await countAlarms(session.id);
		// Never accepted on our side: these sockets read nothing, so they never answer the server's close.
		const silent: Response[] = [];
		for (let i = 0; i < MAX_SOCKETS; i++) silent.push(await upgrade(session.id));
		expect(silent.map((res) => res.status)).toEqual(Array(MAX_SOCKETS).fill(101));
		await expect
			.poll(
				() =>
					runInDurableObject(stub, (_room, state) =>
						state.getWebSockets().every((ws) => ws.readyState !== WebSocket.OPEN),
					),
				{ timeout: 9_000, interval: 200 },
			)
			.toBe(true);
		const before = alarms();
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		expect(alarms() - before).toBeLessThanOrEqual(2);
		const alarm = await runInDurableObject(stub, (_room, state) => state.storage.getAlarm());
		expect(alarm).toBeGreaterThan(Date.now());

		const host = await joined(session);
		expect(host.hello).toMatchObject({ role: 'host', peerPresent: false });
		host.client.close();
	}, 15_000);
});

describe('frames that arrive after the server closed the socket', () => {
	it('are dropped: a join right behind a refused frame takes no seat and throws nothing', async () => {
		const session = await postSession();
		const watch = await watchRoom(session.id);
		const early = await connect(session.id);
		early.send('{"type":"join",');
		early.join(session.token);
		expect((await early.closed).code).toBe(CloseCode.malformed);
		expect(await early.silentFor(100)).toBe(true);
		const host = await joined(session);
		expect(host.hello).toMatchObject({ role: 'host', peerPresent: false });
		const guest = await joined(session);
		expect(guest.hello).toMatchObject({ role: 'guest', peerPresent: true });
		expect(watch.errors).toEqual([]);
		host.client.close();
		guest.client.close();
	});
});

describe('close codes a server may not send back', () => {
	it.each([1004, 1015, 5000, 1002, 2999])(
		'a peer closing with %i is answered and the other peer is told it left',
		async (code) => {
			const { session, host, seats } = await paired();
			const stub = env.ROOMS.getByName(session.id);
			// The runtime passes the peer's close code to the handler as it arrived on the wire; a raw client can
			// send any of these, so the real handler runs here with the guest's real server-side socket.
			await runInDurableObject(stub, async (room: Room, state) => {
				const guest = state
					.getWebSockets()
					.find((ws) => (ws.deserializeAttachment() as { role?: string }).role === 'guest');
				if (!guest) throw new Error('no guest socket');
				await room.webSocketClose(guest, code);
			});
			expect(await host.next()).toEqual({ type: 'peer-left', reason: 'dropped' });
			const back = await joined(session, seats.guest);
			expect(back.hello.role).toBe('guest');
			expect(await host.next()).toEqual({ type: 'peer-joined' });
			expect(await relaysBothWays(host, back.client)).toBe(true);
			host.close();
			back.client.close();
		},
	);

	it('an ordinary close is answered as before', async () => {
		const { host, guest } = await paired();
		guest.ws.close(3000, 'app code');
		expect(await host.next()).toEqual({ type: 'peer-left', reason: 'dropped' });
		host.close();
		expect((await host.closed).code).toBe(1000);
	});
});

it('refuses a seventh socket while six are open', async () => {
	const session = await postSession();
	const open: Response[] = [];
	for (let i = 0; i < MAX_SOCKETS; i++) open.push(await upgrade(session.id));
	const seventh = await upgrade(session.id);
	expect(seventh.status).toBe(429);
	for (const res of open) {
		res.webSocket?.accept();
		res.webSocket?.close(1000, 'done');
	}
});
