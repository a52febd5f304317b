// qr-scanner fails with DOMExceptions from getUserMedia or with its own strings ("Camera not found.");
// this names each in plain words, always pointing at the paste-a-link fallback.
import { userError, type UserError } from '../errors';

const PASTE = 'You can paste the pairing link below instead.';

export function cameraError(error: unknown): UserError {
	const name = error instanceof DOMException ? error.name : '';
	if (name === 'NotAllowedError' || name === 'SecurityError') {
		return userError(
			'Pairbeam was not allowed to use the camera.',
			`Allow camera access in the browser’s site settings. ${PASTE}`,
		);
	}
	if (
		name === 'NotFoundError' ||
		name === 'OverconstrainedError' ||
		/camera not found/i.test(String(error))
	) {
		return userError('No camera was found on this device.', PASTE);
	}
	if (name === 'NotReadableError' || name === 'AbortError') {
		return userError(
			'The camera is busy or could not be started.',
			`Close other apps using the camera, then try again. ${PASTE}`,
		);
	}
	return userError(
		`The camera could not be started: ${error instanceof Error ? error.message : String(error)}`,
		PASTE,
	);
}
