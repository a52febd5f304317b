// The router: /api/* is signaling, everything else is the built app from Workers Static Assets
// (wrangler.toml sends only /api/* through this code; assets get their headers from build/_headers).
import { isSessionId } from '../src/lib/protocol/signaling';
import type { Env } from './env';
import { problem } from './http';
import { withSecurityHeaders } from './security-headers';
import { handleCreateSession } from './sessions';

export { Room } from './room';
export { RateLimiter } from './rate-limiter';

const WS_PATH = /^\/api\/sessions\/([^/]*)\/ws$/;

async function route(request: Request, env: Env): Promise<Response> {
	const { pathname } = new URL(request.url);
	if (pathname === '/api/sessions') {
		if (request.method !== 'POST') {
			return problem(405, 'method-not-allowed', 'Use POST to create a session', { Allow: 'POST' });
		}
		return handleCreateSession(request, env);
	}
	const ws = WS_PATH.exec(pathname);
	if (ws) {
		if (request.method !== 'GET') {
			return problem(405, 'method-not-allowed', 'Use GET with Upgrade: websocket', { Allow: 'GET' });
		}
		if (!isSessionId(ws[1])) {
			return problem(400, 'bad-request', 'Session id must be 20 letters or digits');
		}
		if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
			return problem(426, 'upgrade-required', 'This endpoint only accepts WebSocket upgrades', {
				Upgrade: 'websocket',
			});
		}
		return env.ROOMS.getByName(ws[1]).fetch(request);
	}
	if (pathname.startsWith('/api/')) return problem(404, 'not-found', 'No such API endpoint');
	return env.ASSETS.fetch(request);
}

export default {
	async fetch(request, env): Promise<Response> {
		return withSecurityHeaders(await route(request, env));
	},
} satisfies ExportedHandler<Env>;
