import { randomAlphanumeric } from '../src/lib/protocol/random';
import { SESSION_ID_LENGTH, SESSION_TOKEN_LENGTH, SESSION_TTL_MS } from '../src/lib/protocol/signaling';
import type { Env } from './env';
import { problem, json } from './http';
import { checkJwt } from './jwt';
import { sha256Hex } from './random';

function clientAddress(request: Request): string {
	return request.headers.get('CF-Connecting-IP') ?? 'unknown';
}

/** POST /api/sessions: checks the optional JWT and the per-client limit, then creates a Room. */
export async function createSession(request: Request, env: Env): Promise<Response> {
	const denied = await checkJwt(request, env);
	if (denied) {
		return problem(401, 'unauthorized', denied, { 'WWW-Authenticate': 'Bearer' });
	}
	const limiter = env.LIMITER.getByName(`create:${clientAddress(request)}`);
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
