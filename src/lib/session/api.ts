import { isSessionId, isSessionToken } from '../protocol/signaling';
import { localError, type Messages, type UserError } from '../errors';
import type { Result } from '../protocol/validate';

export interface CreatedSession {
	id: string;
	token: string;
	expiresAt: number;
}

const unreachable = (): UserError =>
	localError(
		(m) => m.server_unreachable(),
		(m) => m.server_unreachable_hint(),
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
	// The server's own reason is in English (it does not know the user's language); ours frames it.
	const { status } = res;
	const reason = (m: Messages): string =>
		typeof body?.message === 'string' ? body.message : m.server_answered({ status });
	if (status === 429) return { ok: false, error: localError(reason, (m) => m.server_busy_hint()) };
	if (status === 401) return { ok: false, error: localError(reason, (m) => m.server_sign_in_hint()) };
	return {
		ok: false,
		error: localError(
			(m) => m.server_no_session({ reason: reason(m) }),
			(m) => m.server_no_session_hint(),
		),
	};
}
