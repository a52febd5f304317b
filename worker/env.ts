import type { PairingRoom } from './pairing-room';
import type { RateLimiter } from './rate-limiter';
import type { Room } from './room';

/** Bindings and variables from wrangler.toml; secrets are optional and absent unless configured. */
export interface Env {
	ASSETS: Fetcher;
	ROOMS: DurableObjectNamespace<Room>;
	PAIRINGS: DurableObjectNamespace<PairingRoom>;
	LIMITER: DurableObjectNamespace<RateLimiter>;
	STUN_URLS: string;
	TURN_URLS: string;
	TURN_TTL_SECONDS: string;
	TURN_SECRET?: string;
	ICE_TRANSPORT_POLICY: string;
	CREATE_LIMIT_PER_MINUTE: string;
	JWT_SECRET?: string;
	JWT_JWKS_URL: string;
	JWT_ISSUER: string;
	JWT_AUDIENCE: string;
}
