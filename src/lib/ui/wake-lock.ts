// Keeps the screen on while a transfer runs (a sleeping phone drops its connection), where the browser
// has the Screen Wake Lock API; the lock is taken again when the page becomes visible.

export class WakeLock {
	private sentinel: WakeLockSentinel | null = null;
	private wanted = false;

	constructor() {
		if (typeof document !== 'undefined') {
			document.addEventListener('visibilitychange', () => {
				if (document.visibilityState === 'visible' && this.wanted) void this.acquire();
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
		if (!('wakeLock' in navigator) || this.sentinel) return;
		try {
			this.sentinel = await navigator.wakeLock.request('screen');
			this.sentinel.addEventListener('release', () => (this.sentinel = null));
		} catch {
			// Refused (battery saver, hidden page): the transfer goes on without it.
			this.sentinel = null;
		}
	}
}
