// ICE configuration handed only to seated peers: STUN from config, and when a TURN secret is set,
// time-limited credentials in coturn's `use-auth-secret` (TURN REST) scheme, so no long-lived secret ships.
import { randomAlphanumeric } from '../src/lib/protocol/random';
import type { IceServer } from '../src/lib/protocol/signaling';
import type { Env } from './env';

/**
 * Default lifetime of TURN credentials: 15 minutes. coturn checks the expiry only when an allocation is
 * created (a running relay keeps working past it), and a device allocates when its link is built: for the
 * first device that can be the whole 10-minute join window after it got them, plus the connect attempt and a
 * relink. A seat that comes back after they ran out gets new ones. TURN_TTL_SECONDS overrides it.
 */
export const DEFAULT_TURN_TTL_SECONDS = 900;
/** A seat's credentials are handed out again only while they leave at least this long to allocate. */
const REUSE_MARGIN_MS = 60_000;

/** One seat's TURN credentials, stored by the room so a rejoining seat gets the same ones back. */
export interface TurnGrant {
	username: string;
	credential: string;
	/** Milliseconds since the epoch, as encoded (in seconds) in the username. */
	expiresAt: number;
}

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

/** New TURN credentials, or undefined when no TURN server is configured. */
export async function mintTurn(env: Env, nowMs: number): Promise<TurnGrant | undefined> {
	if (urlList(env.TURN_URLS).length === 0 || !env.TURN_SECRET) return undefined;
	const ttlSeconds = Number(env.TURN_TTL_SECONDS) || DEFAULT_TURN_TTL_SECONDS;
	const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
	const username = `${expiry}:${randomAlphanumeric(12)}`;
	const credential = await turnCredential(env.TURN_SECRET, username);
	return { username, credential, expiresAt: expiry * 1000 };
}

/** Whether a stored grant may be handed out again at `nowMs`. */
export function stillUsable(grant: TurnGrant | undefined, nowMs: number): grant is TurnGrant {
	return grant !== undefined && grant.expiresAt - nowMs >= REUSE_MARGIN_MS;
}

export function iceServers(env: Env, turn: TurnGrant | undefined): IceServer[] {
	const servers: IceServer[] = [];
	const stun = urlList(env.STUN_URLS);
	if (stun.length > 0) servers.push({ urls: stun });
	const urls = urlList(env.TURN_URLS);
	if (urls.length > 0 && turn) {
		servers.push({ urls, username: turn.username, credential: turn.credential });
	}
	return servers;
}
