// Registers the service worker with workbox-window and exposes one flag, `updateReady`: a new version has
// installed and waits. It takes over only when the user asks (`applyUpdate`), then the page reloads.
import { dev } from '$app/env';
import type { Workbox } from 'workbox-window';

class ServiceWorkerUpdates {
	updateReady = $state(false);
	private workbox: Workbox | null = null;

	/** Loaded after the page is up (workbox-window is CommonJS for the server render, and not urgent). */
	async register(): Promise<void> {
		if (dev || this.workbox || !('serviceWorker' in navigator)) return;
		const { Workbox } = await import('workbox-window');
		const workbox = new Workbox('/service-worker.js');
		workbox.addEventListener('waiting', () => (this.updateReady = true));
		this.workbox = workbox;
		// Without a service worker the app still works online; there is nothing to tell the user.
		await workbox.register().catch(() => undefined);
	}

	applyUpdate(): void {
		const workbox = this.workbox;
		if (!workbox) return;
		workbox.addEventListener('controlling', () => location.reload());
		workbox.messageSkipWaiting();
	}
}

export const serviceWorker = new ServiceWorkerUpdates();
