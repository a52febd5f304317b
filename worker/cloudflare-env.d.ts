// Tells the workers types which Env and main module this project has (what `wrangler types` would write).
import type { JWK } from 'jose';
import type { Env as WorkerEnv } from './env';

declare global {
	namespace Cloudflare {
		interface Env extends WorkerEnv {
			/** Only in the JWKS test suite: the private half of the key the suite's JWKS serves. */
			TEST_PRIVATE_JWK?: JWK;
		}
		interface GlobalProps {
			mainModule: typeof import('./index');
			durableNamespaces: 'Room' | 'PairingRoom' | 'RateLimiter';
		}
	}
}
