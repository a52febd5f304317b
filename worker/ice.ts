// ICE configuration handed only to room members: STUN from config, and when a TURN secret is set,
// time-limited credentials in coturn's `use-auth-secret` (TURN REST) scheme, so no long-lived secret ships.
import { randomAlphanumeric } from '../src/lib/protocol/random';
import type { IceServer } from '../src/lib/protocol/signaling';
import type { Env } from './env';

function urlList(value: string | undefined): string[] {
	return (value ?? '').split(/[\s,]+/).filter((url) => url.length > 0);
}

/** coturn REST credential: username `EXPIRY:NAME`, credential base64(HMAC-SHA1(secret, username)). */
export async function turnCredential(secret: string, username: string): Promise<string> {
	const key = await crypto.subtle.importKey(
		'raw',
		new TextEncoder().encode(secret),
		{ name: 'HMAC', hash: 'SHA-1' },
		false,
		['sign'],
	);
	const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(username));
	return btoa(String.fromCharCode(...new Uint8Array(mac)));
}

export async function iceServers(env: Env, nowMs: number): Promise<IceServer[]> {
	const servers: IceServer[] = [];
	const stun = urlList(env.STUN_URLS);
	if (stun.length > 0) servers.push({ urls: stun });
	const turn = urlList(env.TURN_URLS);
	if (turn.length > 0 && env.TURN_SECRET) {
		const ttlSeconds = Number(env.TURN_TTL_SECONDS) || 3600;
		const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
		const username = `${expiry}:${randomAlphanumeric(12)}`;
		servers.push({ urls: turn, username, credential: await turnCredential(env.TURN_SECRET, username) });
	}
	return servers;
}
