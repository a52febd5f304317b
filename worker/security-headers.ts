// One definition of the security headers: the Worker adds them to API answers, and the build writes
// the same set (with the hashes of the page's inline scripts) into build/_headers for static assets.

export function contentSecurityPolicy(scriptHashes: readonly string[]): string {
	const scripts = ["'self'", ...scriptHashes.map((hash) => `'${hash}'`)].join(' ');
	return [
		"default-src 'self'",
		`script-src ${scripts}`,
		"style-src 'self'",
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

export function securityHeaders(scriptHashes: readonly string[]): Record<string, string> {
	return {
		'Content-Security-Policy': contentSecurityPolicy(scriptHashes),
		'Referrer-Policy': 'no-referrer',
		'X-Content-Type-Options': 'nosniff',
		'X-Frame-Options': 'DENY',
		'Cross-Origin-Opener-Policy': 'same-origin',
		'Permissions-Policy':
			'camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
	};
}

/** A copy of `response` carrying the security headers (API answers have no inline scripts). */
export function withSecurityHeaders(response: Response): Response {
	if (response.status === 101) return response;
	const secured = new Response(response.body, response);
	for (const [name, value] of Object.entries(securityHeaders([]))) secured.headers.set(name, value);
	return secured;
}
