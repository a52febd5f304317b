// Errors are values the UI shows as they are: what happened, in plain words, and what to do next.
// Code that can fail returns or reports one of these instead of throwing raw exceptions at the UI.

export interface UserError {
	message: string;
	hint: string;
}

export const userError = (message: string, hint: string): UserError => ({ message, hint });

/** Names DOMExceptions from file and picker APIs in plain words. */
export function fileError(error: unknown, fileName: string): UserError {
	const name = error instanceof DOMException ? error.name : '';
	switch (name) {
		case 'QuotaExceededError':
			return userError(
				`Not enough disk space to save “${fileName}”.`,
				'Free some space, then send it again.',
			);
		case 'NotAllowedError':
		case 'SecurityError':
			return userError(
				`Pairbeam was not allowed to save “${fileName}”.`,
				'Choose another folder, or allow access when the browser asks.',
			);
		case 'NotFoundError':
			return userError(`“${fileName}” is no longer there.`, 'It was moved or deleted; pick it again.');
		case 'NotReadableError':
			return userError(
				`“${fileName}” could not be read.`,
				'Check that the file still exists, then pick it again.',
			);
		default:
			return userError(
				`Something went wrong with “${fileName}”: ${error instanceof Error ? error.message : String(error)}`,
				'Try again; if it keeps happening, reload the page.',
			);
	}
}

export const peerGone = (): UserError =>
	userError(
		'The other device disconnected.',
		'Files that did not finish were not saved. Pair again to retry.',
	);
