// One definition of the security headers: the Worker adds them to API answers, and the build writes
// the same set (with the hashes of the page's inline scripts) into build/_headers for static assets.

export interface InlineHashes {
	/** `sha256-…` of each inline `<script>` the prerendered pages carry. */
	scripts: readonly string[];
	/** `sha256-…` of each style attribute the framework sets (SvelteKit's route announcer). */
	styleAttributes: readonly string[];
}

const quoted = (hashes: readonly string[]) => hashes.map((hash) => ` '${hash}'`).join('');

export function contentSecurityPolicy(hashes: InlineHashes): string {
	return [
		"default-src 'self'",
		`script-src 'self'${quoted(hashes.scripts)}`,
		"style-src 'self'",
		hashes.styleAttributes.length > 0
			? `style-src-attr 'unsafe-hashes'${quoted(hashes.styleAttributes)}`
			: "style-src-attr 'none'",
		"img-src 'self' data: blob:",
		"media-src 'self' blob:",
		"connect-src 'self'",
		"worker-src 'self' blob:",
		"manifest-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	].join('; ');
}

export function securityHeaders(hashes: InlineHashes): Record<string, string> {
	return {
		'Content-Security-Policy': contentSecurityPolicy(hashes),
		'Referrer-Policy': 'no-referrer',
		'X-Content-Type-Options': 'nosniff',
		'X-Frame-Options': 'DENY',
		'Cross-Origin-Opener-Policy': 'same-origin',
		// Two years, the usual preload-list figure; browsers ignore it over plain http (local runs).
		'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
		'Permissions-Policy':
			'camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
	};
}

/** A copy of `response` carrying the security headers (API answers have no inline scripts). */
export function withSecurityHeaders(response: Response): Response {
	if (response.status === 101) return response;
	const secured = new Response(response.body, response);
	for (const [name, value] of Object.entries(securityHeaders({ scripts: [], styleAttributes: [] })))
		secured.headers.set(name, value);
	return secured;
}
