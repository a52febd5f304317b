// Errors are values the UI shows as they are: what happened, in plain words, and what to do next.
// Code that can fail returns or reports one of these instead of throwing raw exceptions at the UI.
// Errors worded here are read in the language the user has chosen when they are shown (`localError`).
import * as en from './paraglide/messages/en.js';
import { MAX_NAME_BYTES, MAX_PATH_CHARS, MAX_PATH_SEGMENTS, shown, type PathProblem } from './protocol/paths';

type Compiled = typeof en;
/** The compiled messages of one language (every language's module has the same functions as English's). */
export type Messages = {
	[K in keyof Compiled]: keyof Parameters<Compiled[K]>[0] extends never
		? () => string
		: (inputs: Parameters<Compiled[K]>[0]) => string;
};

export interface UserError {
	message: string;
	hint: string;
}

/** English, the language every page starts in (its functions take no inputs where they need none). */
export const english = en as unknown as Messages;

let current: () => Messages = () => english;

/** The UI hands in where the chosen language's messages are, so errors read in it (and follow a switch). */
export function speakWith(messages: () => Messages): void {
	current = messages;
}

/** An error worded by the messages of the language shown when it is read, not when it happened. */
export function localError(message: (m: Messages) => string, hint: (m: Messages) => string): UserError {
	return {
		get message() {
			return message(current());
		},
		get hint() {
			return hint(current());
		},
	};
}

/**
 * Text from elsewhere (a file name) set inside a sentence, with its own direction: an Arabic name
 * in an English sentence, or a Latin one in Arabic, keeps its characters in order (Unicode FSI … PDI).
 */
export const isolate = (text: string): string => `\u2068${text}\u2069`;

/** Why a path cannot be saved, in the words of `m`; the path and name shown printable and isolated. */
export function pathReason(m: Messages, problem: PathProblem): string {
	const path = isolate(shown(problem.path));
	switch (problem.why) {
		case 'empty':
			return m.path_empty();
		case 'too-long':
			return m.path_too_long({ path, max: MAX_PATH_CHARS });
		case 'absolute':
			return m.path_absolute({ path });
		case 'backslash':
			return m.path_backslash({ path });
		case 'control':
			return m.path_control({ path });
		case 'not-text':
			return m.path_not_text({ path });
		case 'format':
			return m.path_format({ path });
		case 'empty-name':
			return m.path_empty_name({ path });
		case 'climbs':
			return m.path_climbs({ path });
		case 'dot':
			return m.path_dot({ path });
		case 'reserved':
			return m.path_reserved({ path, name: isolate(shown(problem.name)) });
		case 'name-too-long':
			return m.path_name_too_long({ path, max: MAX_NAME_BYTES });
		case 'too-deep':
			return m.path_too_deep({ path, max: MAX_PATH_SEGMENTS });
		case 'not-its-name':
			return m.path_not_its_name({ path, name: isolate(shown(problem.name)) });
		case 'too-long-to-send':
			return m.path_too_long_to_send({ path });
	}
}

/** Names DOMExceptions from file and picker APIs in plain words. */
export function fileError(error: unknown, fileName: string): UserError {
	const name = isolate(fileName);
	switch (error instanceof DOMException ? error.name : '') {
		case 'QuotaExceededError':
			return localError(
				(m) => m.file_error_space({ name }),
				(m) => m.file_error_space_hint(),
			);
		case 'NotAllowedError':
		case 'SecurityError':
			return localError(
				(m) => m.file_error_denied({ name }),
				(m) => m.file_error_denied_hint(),
			);
		case 'NotFoundError':
			return localError(
				(m) => m.file_error_gone({ name }),
				(m) => m.file_error_gone_hint(),
			);
		case 'NotReadableError':
			return localError(
				(m) => m.file_error_unreadable({ name }),
				(m) => m.file_error_unreadable_hint(),
			);
		default: {
			const reason = error instanceof Error ? error.message : String(error);
			return localError(
				(m) => m.file_error_other({ name, reason }),
				(m) => m.file_error_other_hint(),
			);
		}
	}
}

export const peerGone = (): UserError =>
	localError(
		(m) => m.peer_gone(),
		(m) => m.peer_gone_hint(),
	);
