import { env } from 'cloudflare:workers';
import { listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CloseCode, SESSION_TTL_MS } from '../../src/lib/protocol/signaling';
import { candidate, connect, postSession, joined, offer, paired, relaysBothWays, upgrade } from './client';

describe('session lifecycle', () => {
	it('creates, pairs host and guest, relays both ways, survives a rejoin, and is deleted when both leave', async () => {
		const session = await postSession();
		expect(session.id).toMatch(/^[A-Za-z0-9]{20}$/);
		expect(session.token).toMatch(/^[A-Za-z0-9]{32}$/);

		const host = await joined(session);
		expect(host.hello).toMatchObject({ type: 'joined', role: 'host', peerPresent: false });

		const guest = await joined(session);
		expect(guest.hello).toMatchObject({ type: 'joined', role: 'guest', peerPresent: true });
		expect(await host.client.next()).toEqual({ type: 'peer-joined' });

		host.client.send(offer);
		expect(await guest.client.next()).toEqual(offer);
		guest.client.send(candidate);
		expect(await host.client.next()).toEqual(candidate);

		// The guest drops; the host is told, and the guest may come back with the token.
		guest.client.close();
		expect(await host.client.next()).toEqual({ type: 'peer-left', reason: 'left' });
		const again = await joined(session);
		expect(again.hello).toMatchObject({ type: 'joined', role: 'guest', peerPresent: true });
		expect(await host.client.next()).toEqual({ type: 'peer-joined' });
		expect(await relaysBothWays(host.client, again.client)).toBe(true);

		// Both leave: the room deletes everything and the id answers 404 from then on.
		again.client.close();
		expect(await host.client.next()).toEqual({ type: 'peer-left', reason: 'left' });
		host.client.close();
		await host.client.closed;
		const stub = env.ROOMS.getByName(session.id);
		await expect
			.poll(() => runInDurableObject(stub, async (_room, state) => (await state.storage.list()).size))
			.toBe(0);
		expect(await runInDurableObject(stub, (_room, state) => state.storage.getAlarm())).toBeNull();
		const after = await upgrade(session.id);
		expect(after.status).toBe(404);
	});

	it('keeps the session when the only peer reloads before anyone else joined', async () => {
		const session = await postSession();
		const first = await joined(session);
		first.client.close();
		await first.client.closed;
		const second = await joined(session);
		expect(second.hello).toMatchObject({ type: 'joined', role: 'host', peerPresent: false });
		second.client.close();
	});

	it('tells the other peer whether a peer left on purpose or lost its connection', async () => {
		const { session, host, guest, seats } = await paired();
		guest.ws.close(4000, 'network gone');
		expect(await host.next()).toEqual({ type: 'peer-left', reason: 'dropped' });
		const back = await joined(session, seats.guest);
		expect(await host.next()).toEqual({ type: 'peer-joined' });
		back.client.ws.close(1001, 'page closed');
		expect(await host.next()).toEqual({ type: 'peer-left', reason: 'left' });
		host.close();
	});

	it('keeps the host role for a returning host while the guest stays', async () => {
		const { session, host, guest } = await paired();
		host.close();
		expect(await guest.next()).toEqual({ type: 'peer-left', reason: 'left' });
		const back = await joined(session);
		expect(back.hello).toMatchObject({ type: 'joined', role: 'host', peerPresent: true });
		expect(await guest.next()).toEqual({ type: 'peer-joined' });
		expect(await relaysBothWays(back.client, guest)).toBe(true);
		guest.close();
		back.client.close();
	});

	it('expires a session nobody joined when its alarm fires', async () => {
		const session = await postSession();
		const stub = env.ROOMS.getByName(session.id);
		const alarm = await runInDurableObject(stub, (_room, state) => state.storage.getAlarm());
		expect(alarm).toBe(session.expiresAt);
		expect(session.expiresAt - Date.now()).toBeGreaterThan(SESSION_TTL_MS - 10_000);
		// Let the 10 minutes pass: move the stored deadline to the past, then run the real alarm handler.
		await runInDurableObject(stub, async (_room, state) => {
			const stored = await state.storage.get<{ expiresAt: number }>('session');
			await state.storage.put('session', { ...stored, expiresAt: Date.now() - 1 });
		});
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect(await runInDurableObject(stub, async (_room, state) => (await state.storage.list()).size)).toBe(0);
		expect((await upgrade(session.id)).status).toBe(404);
	});

	it('does not expire a session while its host is waiting in it', async () => {
		const session = await postSession();
		const host = await joined(session);
		const stub = env.ROOMS.getByName(session.id);
		await runInDurableObject(stub, async (_room, state) => {
			const stored = await state.storage.get<{ expiresAt: number }>('session');
			await state.storage.put('session', { ...stored, expiresAt: Date.now() - 1 });
		});
		await runDurableObjectAlarm(stub);
		const guest = await joined(session);
		expect(guest.hello).toMatchObject({ type: 'joined', role: 'guest', peerPresent: true });
		host.client.close();
		guest.client.close();
	});

	it('closes a socket that sends no join within 5 s with 4408', async () => {
		const { host, guest } = await paired();
		const session = await postSession();
		const idle = await connect(session.id);
		const closed = await idle.closed;
		expect(closed).toEqual({ code: CloseCode.joinTimeout, reason: 'No join frame within 5 s' });
		expect(await relaysBothWays(host, guest)).toBe(true);
		host.close();
		guest.close();
	}, 12_000);

	it('creates one Durable Object per session', async () => {
		const before = (await listDurableObjectIds(env.ROOMS)).length;
		await postSession();
		await postSession();
		expect((await listDurableObjectIds(env.ROOMS)).length).toBe(before + 2);
	});
});
