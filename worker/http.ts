// Every API answer is JSON with a plain-words message, so the app can show the reason as it is.

export function json(status: number, body: unknown, headers: HeadersInit = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
	});
}

export function problem(status: number, error: string, message: string, headers?: HeadersInit): Response {
	return json(status, { error, message }, headers);
}
