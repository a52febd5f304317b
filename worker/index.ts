// The router: /api/* is signaling, everything else is the built app from Workers Static Assets
// (wrangler.toml sends only /api/* through this code; assets get their headers from build/_headers).
import { isSessionId } from '../src/lib/protocol/signaling';
import type { Env } from './env';
import { problem } from './http';
import { handleForgetPairing, handleRegisterPairing } from './pairings';
import { withSecurityHeaders } from './security-headers';
import { handleCreateSession } from './sessions';

export { Room } from './room';
export { PairingRoom } from './pairing-room';
export { RateLimiter } from './rate-limiter';

/** Sessions and remembered pairings: both ids are 20 letters or digits, both rooms join the same way. */
const WS_PATH = /^\/api\/(sessions|pairings)\/([^/]*)\/ws$/;
const FORGET_PATH = /^\/api\/pairings\/([^/]*)\/forget$/;
const ROOMS = {
	sessions: { noun: 'Session', namespace: (env: Env) => env.ROOMS },
	pairings: { noun: 'Pairing', namespace: (env: Env) => env.PAIRINGS },
};

async function route(request: Request, env: Env): Promise<Response> {
	const { pathname } = new URL(request.url);
	if (pathname === '/api/sessions') {
		if (request.method !== 'POST') {
			return problem(405, 'method-not-allowed', 'Use POST to create a session', { Allow: 'POST' });
		}
		return handleCreateSession(request, env);
	}
	if (pathname === '/api/pairings') {
		if (request.method !== 'POST') {
			return problem(405, 'method-not-allowed', 'Use POST to register a pairing', { Allow: 'POST' });
		}
		return handleRegisterPairing(request, env);
	}
	const forget = FORGET_PATH.exec(pathname);
	if (forget) {
		if (request.method !== 'POST') {
			return problem(405, 'method-not-allowed', 'Use POST to forget a pairing', { Allow: 'POST' });
		}
		if (!isSessionId(forget[1]))
			return problem(400, 'bad-request', 'Pairing id must be 20 letters or digits');
		return handleForgetPairing(request, env, forget[1]);
	}
	const ws = WS_PATH.exec(pathname);
	if (ws) {
		const room = ROOMS[ws[1] as keyof typeof ROOMS];
		if (request.method !== 'GET') {
			return problem(405, 'method-not-allowed', 'Use GET with Upgrade: websocket', { Allow: 'GET' });
		}
		if (!isSessionId(ws[2])) {
			return problem(400, 'bad-request', `${room.noun} id must be 20 letters or digits`);
		}
		if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
			return problem(426, 'upgrade-required', 'This endpoint only accepts WebSocket upgrades', {
				Upgrade: 'websocket',
			});
		}
		return room.namespace(env).getByName(ws[2]).fetch(request);
	}
	if (pathname.startsWith('/api/')) return problem(404, 'not-found', 'No such API endpoint');
	return env.ASSETS.fetch(request);
}

export default {
	async fetch(request, env): Promise<Response> {
		return withSecurityHeaders(await route(request, env));
	},
} satisfies ExportedHandler<Env>;
