import { isSessionId, isSessionToken } from '../protocol/signaling';
import { userError, type UserError } from '../errors';
import type { Result } from '../protocol/validate';

export interface CreatedSession {
	id: string;
	token: string;
	expiresAt: number;
}

const unreachable = (): UserError =>
	userError(
		'Cannot reach the Pairbeam server.',
		'Check your connection; Pairbeam will keep what you picked and you can try again.',
	);

/** POST /api/sessions, with the server's own reason in plain words when it says no. */
export async function requestSession(
	fetcher: typeof fetch = fetch,
): Promise<Result<CreatedSession, UserError>> {
	let res: Response;
	try {
		res = await fetcher('/api/sessions', { method: 'POST' });
	} catch {
		return { ok: false, error: unreachable() };
	}
	const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
	if (res.status === 201 && body && isSessionId(body.id) && isSessionToken(body.token)) {
		return { ok: true, value: { id: body.id, token: body.token, expiresAt: Number(body.expiresAt) } };
	}
	const message = typeof body?.message === 'string' ? body.message : `The server answered ${res.status}.`;
	if (res.status === 429) return { ok: false, error: userError(message, 'Wait a minute, then try again.') };
	if (res.status === 401) {
		return { ok: false, error: userError(message, 'This Pairbeam server only lets signed-in users pair.') };
	}
	return { ok: false, error: userError(`Could not start pairing. ${message}`, 'Try again in a moment.') };
}
