// Session creations are limited per client IP by one Durable Object per IP: a Worker isolate's memory
// is not shared between isolates or locations, so a limit kept there would not hold.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from './env';
import { TokenBucket } from './token-bucket';

export class RateLimiter extends DurableObject<Env> {
	private bucket: TokenBucket | undefined;

	/** Takes one creation from this client's allowance of `perMinute` (burst of the same size). */
	take(perMinute: number): boolean {
		const now = Date.now();
		this.bucket ??= new TokenBucket(perMinute, perMinute / 60, now);
		return this.bucket.take(now);
	}
}
