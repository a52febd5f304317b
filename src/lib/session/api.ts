import { isSessionId, isSessionToken, type PairingRegistration } from '../protocol/signaling';
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

type Answer = { status: number; body: Record<string, unknown> | null };

/** POSTs `body` (JSON) to `path`: the status and the JSON answer, or the server could not be reached. */
async function post(fetcher: typeof fetch, path: string, body?: object): Promise<Result<Answer, UserError>> {
	let res: Response;
	try {
		res = await fetcher(path, {
			method: 'POST',
			...(body && { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
		});
	} catch {
		return { ok: false, error: unreachable() };
	}
	const answer = (await res.json().catch(() => null)) as Record<string, unknown> | null;
	return { ok: true, value: { status: res.status, body: answer } };
}

/**
 * Why the server said no, framed by `what` (which sets the server's reason in a sentence). The server's own
 * reason is in English (it does not know the user's language); ours frames it.
 */
function refused(
	{ status, body }: Answer,
	what: (m: Messages, reason: string) => string,
	hint: (m: Messages) => string,
): UserError {
	const reason = (m: Messages): string =>
		typeof body?.message === 'string' ? body.message : m.server_answered({ status });
	if (status === 429) return localError(reason, (m) => m.server_busy_hint());
	if (status === 401) return localError(reason, (m) => m.server_sign_in_hint());
	return localError((m) => what(m, reason(m)), hint);
}

/** POST /api/sessions, with the server's own reason in plain words when it says no. */
export async function requestSession(
	fetcher: typeof fetch = fetch,
): Promise<Result<CreatedSession, UserError>> {
	const answer = await post(fetcher, '/api/sessions');
	if (!answer.ok) return answer;
	const { status, body } = answer.value;
	if (status === 201 && body && isSessionId(body.id) && isSessionToken(body.token)) {
		return { ok: true, value: { id: body.id, token: body.token, expiresAt: Number(body.expiresAt) } };
	}
	return {
		ok: false,
		error: refused(
			answer.value,
			(m, reason) => m.server_no_session({ reason }),
			(m) => m.server_no_session_hint(),
		),
	};
}

/**
 * POST /api/pairings: the room both remembering devices will meet in (either may register it first; the
 * second is told it exists). The server keeps only the tokens' SHA-256.
 */
export async function registerPairing(
	registration: PairingRegistration,
	fetcher: typeof fetch = fetch,
): Promise<UserError | null> {
	const answer = await post(fetcher, '/api/pairings', registration);
	if (!answer.ok) return answer.error;
	if (answer.value.status === 201 || answer.value.status === 200) return null;
	return refused(
		answer.value,
		(m, reason) => m.server_no_pairing({ reason }),
		(m) => m.server_no_pairing_hint(),
	);
}

/**
 * POST /api/pairings/:id/forget with this device's token: its seat is closed, and the room is deleted once
 * both devices forgot it. A pairing the server no longer has (404) is forgotten already.
 */
export async function forgetPairing(
	id: string,
	token: string,
	fetcher: typeof fetch = fetch,
): Promise<UserError | null> {
	const answer = await post(fetcher, `/api/pairings/${id}/forget`, { token });
	if (!answer.ok) return answer.error;
	if (answer.value.status === 200 || answer.value.status === 404) return null;
	return refused(
		answer.value,
		(m, reason) => m.server_no_forget({ reason }),
		(m) => m.server_no_forget_hint(),
	);
}
