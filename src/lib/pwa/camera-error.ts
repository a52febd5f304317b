// qr-scanner fails with DOMExceptions from getUserMedia or with its own strings ("Camera not found.");
// this names each in plain words, always pointing at the paste-a-link fallback.
import { localError, type UserError } from '../errors';

export function cameraError(error: unknown): UserError {
	const name = error instanceof DOMException ? error.name : '';
	if (name === 'NotAllowedError' || name === 'SecurityError') {
		return localError(
			(m) => m.camera_denied(),
			(m) => m.camera_denied_hint(),
		);
	}
	if (
		name === 'NotFoundError' ||
		name === 'OverconstrainedError' ||
		/camera not found/i.test(String(error))
	) {
		return localError(
			(m) => m.camera_missing(),
			(m) => m.camera_paste_hint(),
		);
	}
	if (name === 'NotReadableError' || name === 'AbortError') {
		return localError(
			(m) => m.camera_busy(),
			(m) => m.camera_busy_hint(),
		);
	}
	const reason = error instanceof Error ? error.message : String(error);
	return localError(
		(m) => m.camera_other({ reason }),
		(m) => m.camera_paste_hint(),
	);
}
