// Keeps the screen on while a transfer runs (a sleeping phone drops its connection), where the browser
// has the Screen Wake Lock API; the lock is taken again when the page becomes visible.

export class WakeLock {
	private sentinel: WakeLockSentinel | null = null;
	private wanted = false;
	/** The browser said no (battery saver, hidden page); ask again only when the page is shown again. */
	private refused = false;

	constructor() {
		if (typeof document !== 'undefined') {
			document.addEventListener('visibilitychange', () => {
				if (document.visibilityState !== 'visible') return;
				this.refused = false;
				if (this.wanted) void this.acquire();
			});
		}
	}

	async set(wanted: boolean): Promise<void> {
		this.wanted = wanted;
		if (wanted && !this.sentinel) await this.acquire();
		if (!wanted && this.sentinel) {
			const sentinel = this.sentinel;
			this.sentinel = null;
			await sentinel.release().catch(() => undefined);
		}
	}

	private async acquire(): Promise<void> {
		if (!('wakeLock' in navigator) || this.sentinel || this.refused) return;
		try {
			this.sentinel = await navigator.wakeLock.request('screen');
			this.sentinel.addEventListener('release', () => (this.sentinel = null));
		} catch {
			// The transfer goes on without it; refreshes must not ask again five times a second.
			this.sentinel = null;
			this.refused = true;
		}
	}
}
