// Remembered pairings on the server: a room registered under an id derived from the pairing secret, where
// each device takes its own seat with its own derived token, that stays while the pairing lives, refuses
// everyone once either device forgot it, and is deleted when both forgot it or after 90 days unused.
import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
	derivePairingSecret,
	pairingCredentials,
	pairingNonce,
	type PairingCredentials,
} from '../../src/lib/pairing/derive';
import { randomAlphanumeric } from '../../src/lib/protocol/random';
import {
	CloseCode,
	MAX_PAIRING_REQUEST_BYTES,
	PAIRING_IDLE_TTL_MS,
	type Role,
} from '../../src/lib/protocol/signaling';
import { sha256Hex } from '../../worker/digest';
import { handleRegisterPairing } from '../../worker/pairings';
import { forgetPairing, registerPairing } from '../../src/lib/session/api';
import { api, Client, freshIp, postSession, relaysBothWays, type Joined } from './client';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What both devices derive after a QR session whose codes matched. */
async function derived(): Promise<PairingCredentials> {
	const secret = await derivePairingSecret(randomAlphanumeric(32), randomAlphanumeric(20), {
		host: pairingNonce(),
		guest: pairingNonce(),
	});
	return pairingCredentials(secret);
}

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
	return api(path, {
		method: 'POST',
		headers: { 'CF-Connecting-IP': freshIp(), 'Content-Type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
}

const registration = (p: PairingCredentials) => ({
	id: p.roomId,
	hostToken: p.tokens.host,
	guestToken: p.tokens.guest,
});

/** A derived pairing, registered. */
async function registered(): Promise<PairingCredentials> {
	const pairing = await derived();
	const res = await post('/api/pairings', registration(pairing));
	if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
	return pairing;
}

const forget = (id: string, token: string) => post(`/api/pairings/${id}/forget`, { token });
const upgrade = (id: string) => api(`/api/pairings/${id}/ws`, { headers: { Upgrade: 'websocket' } });

async function connect(id: string): Promise<Client> {
	const res = await upgrade(id);
	if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade failed: ${res.status}`);
	return new Client(res.webSocket);
}

/** A device joins the pairing room with `role`'s token; resolves once `joined` has arrived. */
async function seat(pairing: PairingCredentials, role: Role): Promise<{ client: Client; hello: Joined }> {
	const client = await connect(pairing.roomId);
	client.join(pairing.tokens[role]);
	const hello = await client.next();
	if (hello.type !== 'joined') throw new Error(`expected joined, got ${JSON.stringify(hello)}`);
	return { client, hello };
}

/** Joins with `token` and resolves with how the room closed the socket. */
async function refusedJoin(id: string, token: string): Promise<{ code: number; reason: string }> {
	const client = await connect(id);
	client.join(token);
	return client.closed;
}

const stub = (id: string) => env.PAIRINGS.getByName(id);
const stored = (id: string) =>
	runInDurableObject(stub(id), async (_room, state) => Object.fromEntries(await state.storage.list()));
const alarmOf = (id: string) => runInDurableObject(stub(id), (_room, state) => state.storage.getAlarm());
/** Moves the stored idle deadline, as if the pairing had last been used at another time. */
const setExpiry = (id: string, expiresAt: number) =>
	runInDurableObject(stub(id), async (_room, state) => {
		const pairing = await state.storage.get<object>('pairing');
		await state.storage.put('pairing', { ...pairing, expiresAt });
	});

describe('registering a pairing', () => {
	it('answers 201 with the id and idle expiry, and stores only the SHA-256 of each token', async () => {
		const pairing = await derived();
		const before = Date.now();
		const res = await post('/api/pairings', registration(pairing));
		expect(res.status).toBe(201);
		const body = await res.json<{ id: string; expiresAt: number }>();
		expect(body.id).toBe(pairing.roomId);
		expect(body.expiresAt).toBeGreaterThanOrEqual(before + PAIRING_IDLE_TTL_MS);
		expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + PAIRING_IDLE_TTL_MS);
		expect(await alarmOf(pairing.roomId)).toBe(body.expiresAt);

		const text = JSON.stringify(await stored(pairing.roomId));
		expect(text).not.toContain(pairing.tokens.host);
		expect(text).not.toContain(pairing.tokens.guest);
		expect(text).toContain(await sha256Hex(pairing.tokens.host));
		expect(text).toContain(await sha256Hex(pairing.tokens.guest));
	});

	it('answers 200 when either device registers the same pairing again, 409 to other tokens', async () => {
		const pairing = await registered();
		const again = await post('/api/pairings', registration(pairing));
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ id: pairing.roomId });
		const other = await derived();
		const taken = await post('/api/pairings', { ...registration(other), id: pairing.roomId });
		expect(taken.status).toBe(409);
		expect(await taken.json()).toMatchObject({ error: 'conflict', message: expect.stringMatching(/taken/) });
		const seated = await seat(pairing, 'host');
		expect(seated.hello.role).toBe('host');
		seated.client.close();
	});

	const valid = { id: 'A'.repeat(20), hostToken: 'h'.repeat(32), guestToken: 'g'.repeat(32) };
	it.each([
		['a body that is not JSON', '{"id":', /not valid JSON/],
		['a JSON array', '[]', /JSON object/],
		['a missing id', { ...valid, id: undefined }, /id must be 20 letters or digits/],
		['an id of the wrong shape', { ...valid, id: 'A'.repeat(19) + '-' }, /id must be 20 letters or digits/],
		['a missing host token', { ...valid, hostToken: undefined }, /hostToken must be 32 letters or digits/],
		['a short guest token', { ...valid, guestToken: 'g' }, /guestToken must be 32 letters or digits/],
		['the same token for both seats', { ...valid, guestToken: valid.hostToken }, /must differ/],
		['an unknown field', { ...valid, seat: 'x' }, /unknown fields/],
	])('refuses %s with 400 and the reason', async (_name, body, reason) => {
		const res = await post('/api/pairings', body);
		expect(res.status).toBe(400);
		expect(await res.json()).toEqual({ error: 'bad-request', message: expect.stringMatching(reason) });
		expect(await stored(valid.id)).toEqual({});
	});

	it('refuses a body over 1 KiB with 413', async () => {
		const res = await post('/api/pairings', { ...valid, hostToken: 'h'.repeat(MAX_PAIRING_REQUEST_BYTES) });
		expect(res.status).toBe(413);
		expect(await res.json()).toMatchObject({ error: 'too-large', message: expect.stringMatching(/1 KiB/) });
	});

	it('refuses other methods with 405, and a page of another site with 403', async () => {
		const get = await api('/api/pairings');
		expect(get.status).toBe(405);
		expect(get.headers.get('Allow')).toBe('POST');
		const pairing = await derived();
		const foreign = await post('/api/pairings', registration(pairing), { Origin: 'https://evil.example' });
		expect(foreign.status).toBe(403);
		expect(await foreign.json()).toMatchObject({
			error: 'forbidden',
			message: expect.stringMatching(/site/),
		});
		expect(await stored(pairing.roomId)).toEqual({});
	});

	it('limits registrations per client like session creations, apart from them', async () => {
		const ip = '198.51.100.99';
		const statuses: number[] = [];
		for (let i = 0; i < 31; i++) {
			const pairing = await derived();
			statuses.push((await post('/api/pairings', registration(pairing), { 'CF-Connecting-IP': ip })).status);
		}
		expect(statuses.slice(0, 30)).toEqual(Array(30).fill(201));
		expect(statuses[30]).toBe(429);
		expect(await postSession(ip)).toMatchObject({ id: expect.any(String) });
	});

	it('needs a valid JWT when the deployment requires one', async () => {
		const pairing = await derived();
		const request = new Request('https://pairbeam.test/api/pairings', {
			method: 'POST',
			body: JSON.stringify(registration(pairing)),
		});
		const res = await handleRegisterPairing(request, { ...env, JWT_SECRET: 'x'.repeat(32) });
		expect(res.status).toBe(401);
		expect(res.headers.get('WWW-Authenticate')).toBe('Bearer');
		expect(await stored(pairing.roomId)).toEqual({});
	});
});

describe('the pairing room', () => {
	it('seats each device by its own token, tells each when the other connects and leaves, and relays', async () => {
		const pairing = await registered();
		const guest = await seat(pairing, 'guest');
		expect(guest.hello).toMatchObject({ type: 'joined', role: 'guest', peerPresent: false });
		const host = await seat(pairing, 'host');
		expect(host.hello).toMatchObject({ type: 'joined', role: 'host', peerPresent: true });
		expect(await guest.client.next()).toEqual({ type: 'peer-joined' });
		expect(await relaysBothWays(host.client, guest.client)).toBe(true);
		// A tap on the host asks the idle guest to connect.
		host.client.send({ type: 'signal', data: { kind: 'knock' } });
		expect(await guest.client.next()).toEqual({ type: 'signal', data: { kind: 'knock' } });

		guest.client.ws.close(4000, 'network gone');
		expect(await host.client.next()).toEqual({ type: 'peer-left', reason: 'dropped' });
		const back = await seat(pairing, 'guest');
		expect(back.hello).toMatchObject({ role: 'guest', peerPresent: true });
		expect(await host.client.next()).toEqual({ type: 'peer-joined' });
		back.client.close();
		expect(await host.client.next()).toEqual({ type: 'peer-left', reason: 'left' });
		host.client.close();
	});

	it('stays when both devices have left, for them to meet again', async () => {
		const pairing = await registered();
		const host = await seat(pairing, 'host');
		const guest = await seat(pairing, 'guest');
		host.client.close();
		guest.client.close();
		await Promise.all([host.client.closed, guest.client.closed]);
		expect(Object.keys(await stored(pairing.roomId))).toEqual(['pairing']);
		const again = await seat(pairing, 'host');
		expect(again.hello).toMatchObject({ role: 'host', peerPresent: false });
		again.client.close();
	});

	it('refuses a wrong token with 4401, however many times, and still seats the two devices', async () => {
		const pairing = await registered();
		const session = await postSession();
		for (const token of [
			'W'.repeat(32),
			session.token,
			(await derived()).tokens.host,
			...Array(5).fill('x'.repeat(32)),
		]) {
			expect(await refusedJoin(pairing.roomId, token)).toEqual({
				code: CloseCode.wrongToken,
				reason: 'Wrong token for this pairing',
			});
		}
		const host = await seat(pairing, 'host');
		const guest = await seat(pairing, 'guest');
		expect(await host.client.next()).toEqual({ type: 'peer-joined' });
		expect(await relaysBothWays(host.client, guest.client)).toBe(true);
		host.client.close();
		guest.client.close();
	});

	it('never seats a third device: a token takes its own seat over (4410 to the old socket)', async () => {
		const pairing = await registered();
		const host = await seat(pairing, 'host');
		const guest = await seat(pairing, 'guest');
		expect(await host.client.next()).toEqual({ type: 'peer-joined' });
		const third = await seat(pairing, 'host');
		expect(third.hello).toMatchObject({ role: 'host', peerPresent: true });
		expect(await host.client.closed).toEqual({
			code: CloseCode.replaced,
			reason: 'Replaced by a newer connection from the same device',
		});
		expect(await guest.client.next()).toEqual({ type: 'peer-joined' });
		expect(await relaysBothWays(third.client, guest.client)).toBe(true);
		third.client.close();
		guest.client.close();
	});

	it('answers 404 for an unknown id, 400 for a malformed one, 426 without an upgrade', async () => {
		expect((await upgrade((await derived()).roomId)).status).toBe(404);
		const bad = await upgrade('short');
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ message: 'Pairing id must be 20 letters or digits' });
		const pairing = await registered();
		expect((await api(`/api/pairings/${pairing.roomId}/ws`)).status).toBe(426);
	});
});

describe('forgetting a pairing', () => {
	it('by one device: closes both sockets and refuses every later join with 4403', async () => {
		const pairing = await registered();
		const host = await seat(pairing, 'host');
		const guest = await seat(pairing, 'guest');
		const res = await forget(pairing.roomId, pairing.tokens.host);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ deleted: false });
		const forgotten = {
			code: CloseCode.forgotten,
			reason: 'This pairing was forgotten by one of its devices',
		};
		expect(await guest.client.closed).toEqual(forgotten);
		expect(await host.client.closed).toEqual(forgotten);
		expect(await refusedJoin(pairing.roomId, pairing.tokens.guest)).toEqual(forgotten);
		expect(await refusedJoin(pairing.roomId, pairing.tokens.host)).toEqual(forgotten);
		expect((await refusedJoin(pairing.roomId, 'W'.repeat(32))).code).toBe(CloseCode.wrongToken);
		// Registering it again does not bring it back, and forgetting it again changes nothing.
		expect((await post('/api/pairings', registration(pairing))).status).toBe(409);
		expect(await (await forget(pairing.roomId, pairing.tokens.host)).json()).toEqual({ deleted: false });
		expect(Object.keys(await stored(pairing.roomId))).toEqual(['pairing']);
	});

	it('by both devices: deletes the room, its storage and alarm; the id answers 404', async () => {
		const pairing = await registered();
		expect(await (await forget(pairing.roomId, pairing.tokens.guest)).json()).toEqual({ deleted: false });
		const res = await forget(pairing.roomId, pairing.tokens.host);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ deleted: true });
		expect(await stored(pairing.roomId)).toEqual({});
		expect(await alarmOf(pairing.roomId)).toBeNull();
		expect((await upgrade(pairing.roomId)).status).toBe(404);
		const after = await forget(pairing.roomId, pairing.tokens.host);
		expect(after.status).toBe(404);
		expect(await after.json()).toMatchObject({ error: 'not-found' });
	});

	it('refuses a wrong token with 403 and a malformed body with 400, changing nothing', async () => {
		const pairing = await registered();
		const wrong = await forget(pairing.roomId, (await derived()).tokens.host);
		expect(wrong.status).toBe(403);
		expect(await wrong.json()).toEqual({ error: 'forbidden', message: 'Wrong token for this pairing' });
		const bad = await post(`/api/pairings/${pairing.roomId}/forget`, { token: pairing.tokens.host, x: 1 });
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ message: expect.stringMatching(/unknown fields/) });
		const badId = await forget('short', pairing.tokens.host);
		expect(badId.status).toBe(400);
		const host = await seat(pairing, 'host');
		expect(host.hello.role).toBe('host');
		host.client.close();
	});
});

describe('the app’s calls (session/api.ts) against this Worker', () => {
	/** The app's fetch, as a page of this site from one client address sends it. */
	const ip = freshIp();
	const page: typeof fetch = (input, init) =>
		api(String(input), {
			...init,
			headers: { ...(init?.headers as Record<string, string>), 'CF-Connecting-IP': ip },
		});

	it('registers a pairing (either device first, then the other), and forgets it from both', async () => {
		const pairing = await derived();
		expect(await registerPairing(registration(pairing), page)).toBeNull();
		expect(await registerPairing(registration(pairing), page)).toBeNull();
		const host = await seat(pairing, 'host');
		expect(host.hello.role).toBe('host');
		host.client.close();
		expect(await forgetPairing(pairing.roomId, pairing.tokens.host, page)).toBeNull();
		expect(await forgetPairing(pairing.roomId, pairing.tokens.guest, page)).toBeNull();
		expect((await upgrade(pairing.roomId)).status).toBe(404);
		// Forgotten already: nothing left to do, so no error.
		expect(await forgetPairing(pairing.roomId, pairing.tokens.guest, page)).toBeNull();
	});

	it('says in plain words why the server refused, with its reason', async () => {
		const pairing = await registered();
		const other = await derived();
		const taken = await registerPairing({ ...registration(other), id: pairing.roomId }, page);
		expect(taken?.message).toBe(
			'This device could not register the pairing with the server. This pairing id is taken by other tokens, or was forgotten',
		);
		expect(taken?.hint).toBe('Nothing was stored on this device. Try again in a moment.');
		const wrong = await forgetPairing(pairing.roomId, other.tokens.host, page);
		expect(wrong?.message).toBe('The server could not forget this pairing. Wrong token for this pairing');
	});
});

describe('idle expiry', () => {
	it('deletes a pairing unused for 90 days when its alarm fires', async () => {
		const pairing = await registered();
		expect(PAIRING_IDLE_TTL_MS).toBe(90 * DAY_MS);
		await setExpiry(pairing.roomId, Date.now() - 1);
		expect(await runDurableObjectAlarm(stub(pairing.roomId))).toBe(true);
		expect(await stored(pairing.roomId)).toEqual({});
		expect((await upgrade(pairing.roomId)).status).toBe(404);
	});

	it('counts joining and leaving as use: the deadline moves 90 days past each', async () => {
		const pairing = await registered();
		const deadline = async () => {
			const { pairing: record } = (await stored(pairing.roomId)) as { pairing: { expiresAt: number } };
			expect(await alarmOf(pairing.roomId)).toBe(record.expiresAt);
			return record.expiresAt - Date.now();
		};
		await setExpiry(pairing.roomId, Date.now() + DAY_MS);
		const host = await seat(pairing, 'host');
		expect(await deadline()).toBeGreaterThan(PAIRING_IDLE_TTL_MS - 10_000);
		await setExpiry(pairing.roomId, Date.now() + DAY_MS);
		host.client.close();
		await host.client.closed;
		await expect.poll(deadline).toBeGreaterThan(PAIRING_IDLE_TTL_MS - 10_000);
	});

	it('does not expire while a device is connected', async () => {
		const pairing = await registered();
		const host = await seat(pairing, 'host');
		await setExpiry(pairing.roomId, Date.now() - 1);
		await runDurableObjectAlarm(stub(pairing.roomId));
		const guest = await seat(pairing, 'guest');
		expect(guest.hello).toMatchObject({ role: 'guest', peerPresent: true });
		host.client.close();
		guest.client.close();
	});
});
