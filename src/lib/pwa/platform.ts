// iOS Safari never fires beforeinstallprompt, so it is recognised by its user agent to explain the manual
// install steps instead. iPadOS reports itself as a Mac, and only its touch points give it away.

/** iPhone, iPod or iPad (iPadOS reports itself as a Mac with touch) in Safari, not another iOS browser. */
export function isIosSafari(userAgent: string, maxTouchPoints: number): boolean {
	const ios = /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
	return ios && /Safari\//.test(userAgent) && !/CriOS|FxiOS|EdgiOS|OPiOS|GSA\//.test(userAgent);
}
