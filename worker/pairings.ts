// POST /api/pairings registers a remembered pairing's room (the same gate as session creation), POST
// /api/pairings/:id/forget lets one of its devices forget it. Both bodies are small JSON checked by the
// shared validators; tokens are hashed at once and only their SHA-256 reaches the PairingRoom.
import {
	MAX_PAIRING_REQUEST_BYTES,
	parsePairingForget,
	parsePairingRegistration,
} from '../src/lib/protocol/signaling';
import { refuseCreation } from './admission';
import { sha256Hex } from './digest';
import type { Env } from './env';
import { json, problem } from './http';

const PAIRINGS = {
	limiter: 'register',
	foreign: 'Pairings can only be registered from a page of this site',
	tooMany: 'Too many pairings registered from this address; wait a minute',
};

/** The request body as text, or a 413 when it is larger than a pairing request can be. */
async function body(request: Request): Promise<{ text: string } | { refused: Response }> {
	const tooLarge = () => ({
		refused: problem(413, 'too-large', 'The request body must be at most 1 KiB'),
	});
	if (Number(request.headers.get('Content-Length')) > MAX_PAIRING_REQUEST_BYTES) return tooLarge();
	const bytes = await request.arrayBuffer();
	if (bytes.byteLength > MAX_PAIRING_REQUEST_BYTES) return tooLarge();
	return { text: new TextDecoder().decode(bytes) };
}

export async function handleRegisterPairing(request: Request, env: Env): Promise<Response> {
	const refused = await refuseCreation(request, env, PAIRINGS);
	if (refused) return refused;
	const read = await body(request);
	if ('refused' in read) return read.refused;
	const parsed = parsePairingRegistration(read.text);
	if (!parsed.ok) return problem(400, 'bad-request', parsed.error);
	const { id, hostToken, guestToken } = parsed.value;
	const tokenHashes = { host: await sha256Hex(hostToken), guest: await sha256Hex(guestToken) };
	const registered = await env.PAIRINGS.getByName(id).register(tokenHashes);
	if (registered.outcome === 'conflict') {
		return problem(409, 'conflict', 'This pairing id is taken by other tokens, or was forgotten');
	}
	return json(registered.outcome === 'created' ? 201 : 200, { id, expiresAt: registered.expiresAt });
}

/** `id` is already checked by the router. */
export async function handleForgetPairing(request: Request, env: Env, id: string): Promise<Response> {
	const read = await body(request);
	if ('refused' in read) return read.refused;
	const parsed = parsePairingForget(read.text);
	if (!parsed.ok) return problem(400, 'bad-request', parsed.error);
	const forgot = await env.PAIRINGS.getByName(id).forget(await sha256Hex(parsed.value.token));
	if (forgot === 'not-found') return problem(404, 'not-found', 'No such pairing, or it was deleted');
	if (forgot === 'wrong-token') return problem(403, 'forbidden', 'Wrong token for this pairing');
	return json(200, { deleted: forgot === 'deleted' });
}
