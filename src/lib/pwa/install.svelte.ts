// Chromium offers installation through a deferred `beforeinstallprompt` event; iOS Safari has no such
// event, so there the UI explains Share → Add to Home Screen instead.
import { isIosSafari } from './platform';

interface BeforeInstallPromptEvent extends Event {
	prompt(): Promise<void>;
}

const isStandalone = (): boolean =>
	matchMedia('(display-mode: standalone)').matches ||
	(navigator as Navigator & { standalone?: boolean }).standalone === true;

class InstallOffer {
	/** The browser offered installation and it has not happened yet. */
	canPrompt = $state(false);
	/** iOS Safari, not yet added to the home screen: show the manual steps. */
	showIosSteps = $state(false);
	private deferred: BeforeInstallPromptEvent | null = null;
	private started = false;

	start(): void {
		if (this.started) return;
		this.started = true;
		this.showIosSteps = isIosSafari(navigator.userAgent, navigator.maxTouchPoints) && !isStandalone();
		window.addEventListener('beforeinstallprompt', (event) => {
			event.preventDefault();
			this.deferred = event as BeforeInstallPromptEvent;
			this.canPrompt = true;
		});
		window.addEventListener('appinstalled', () => {
			this.deferred = null;
			this.canPrompt = false;
		});
	}

	async prompt(): Promise<void> {
		const deferred = this.deferred;
		if (!deferred) return;
		this.deferred = null;
		this.canPrompt = false;
		// A prompt can be shown once; if it is dismissed the browser fires a new event when it allows another.
		await deferred.prompt();
	}
}

export const install = new InstallOffer();
