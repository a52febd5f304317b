// POST /api/sessions: who may create a session (worker/admission.ts), then a fresh id and token for a new Room.
import { randomAlphanumeric } from '../src/lib/protocol/random';
import { SESSION_ID_LENGTH, SESSION_TOKEN_LENGTH, SESSION_TTL_MS } from '../src/lib/protocol/signaling';
import { refuseCreation } from './admission';
import type { Env } from './env';
import { json } from './http';
import { sha256Hex } from './digest';

const SESSIONS = {
	limiter: 'create',
	foreign: 'Sessions can only be created from a page of this site',
	tooMany: 'Too many sessions created from this address; wait a minute',
};

export async function handleCreateSession(request: Request, env: Env): Promise<Response> {
	const refused = await refuseCreation(request, env, SESSIONS);
	if (refused) return refused;
	for (;;) {
		const id = randomAlphanumeric(SESSION_ID_LENGTH);
		const token = randomAlphanumeric(SESSION_TOKEN_LENGTH);
		const expiresAt = Date.now() + SESSION_TTL_MS;
		const created = await env.ROOMS.getByName(id).create(await sha256Hex(token), expiresAt);
		if (created) return json(201, { id, token, expiresAt });
	}
}
