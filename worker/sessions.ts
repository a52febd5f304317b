// POST /api/sessions: who may create a session (a page of this site or a non-browser client, within its
// per-client allowance, with a valid JWT when configured), then a fresh id and token for a new Room.
import { randomAlphanumeric } from '../src/lib/protocol/random';
import { SESSION_ID_LENGTH, SESSION_TOKEN_LENGTH, SESSION_TTL_MS } from '../src/lib/protocol/signaling';
import { clientKey } from './client-key';
import type { Env } from './env';
import { problem, json } from './http';
import { checkJwt } from './jwt';
import { sha256Hex } from './digest';

/**
 * A browser names the page that sent the request in `Origin`; a page of another site must not spend this
 * site's sessions (and TURN relay) from its visitors' browsers. The host is compared, not the port, so a
 * proxy on the same host counts as this site; no `Origin` at all (curl, native apps) is allowed.
 */
function foreignOrigin(request: Request): boolean {
	const origin = request.headers.get('Origin');
	if (origin === null) return false;
	if (!URL.canParse(origin)) return true;
	return new URL(origin).hostname !== new URL(request.url).hostname;
}

export async function handleCreateSession(request: Request, env: Env): Promise<Response> {
	if (foreignOrigin(request)) {
		return problem(403, 'forbidden', 'Sessions can only be created from a page of this site');
	}
	const denied = await checkJwt(request, env);
	if (denied?.status === 500) return problem(500, 'misconfigured', denied.message);
	if (denied) return problem(401, 'unauthorized', denied.message, { 'WWW-Authenticate': 'Bearer' });
	const limiter = env.LIMITER.getByName(`create:${clientKey(request.headers.get('CF-Connecting-IP'))}`);
	if (!(await limiter.take(Number(env.CREATE_LIMIT_PER_MINUTE) || 30))) {
		return problem(429, 'rate-limited', 'Too many sessions created from this address; wait a minute', {
			'Retry-After': '60',
		});
	}
	for (;;) {
		const id = randomAlphanumeric(SESSION_ID_LENGTH);
		const token = randomAlphanumeric(SESSION_TOKEN_LENGTH);
		const expiresAt = Date.now() + SESSION_TTL_MS;
		const created = await env.ROOMS.getByName(id).create(await sha256Hex(token), expiresAt);
		if (created) return json(201, { id, token, expiresAt });
	}
}
