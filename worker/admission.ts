// Who may create a room, a session (POST /api/sessions) or a remembered pairing (POST /api/pairings): a page
// of this site or a non-browser client, with a valid JWT when configured, within its per-client allowance.
import { clientKey } from './client-key';
import type { Env } from './env';
import { problem } from './http';
import { checkJwt } from './jwt';

/** What one kind of creation is counted as and called in refusals. */
export interface Creation {
	/** Prefix of the per-client `RateLimiter` name: each kind has its own allowance. */
	limiter: string;
	/** The 403 message for a page of another site. */
	foreign: string;
	/** The 429 message once the allowance is used up. */
	tooMany: string;
}

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

/** The refusal for this creation request, or undefined when it may go ahead (its allowance is then spent). */
export async function refuseCreation(
	request: Request,
	env: Env,
	creation: Creation,
): Promise<Response | undefined> {
	if (foreignOrigin(request)) return problem(403, 'forbidden', creation.foreign);
	const denied = await checkJwt(request, env);
	if (denied?.status === 500) return problem(500, 'misconfigured', denied.message);
	if (denied) return problem(401, 'unauthorized', denied.message, { 'WWW-Authenticate': 'Bearer' });
	const limiter = env.LIMITER.getByName(
		`${creation.limiter}:${clientKey(request.headers.get('CF-Connecting-IP'))}`,
	);
	if (!(await limiter.take(Number(env.CREATE_LIMIT_PER_MINUTE) || 30))) {
		return problem(429, 'rate-limited', creation.tooMany, { 'Retry-After': '60' });
	}
	return undefined;
}
