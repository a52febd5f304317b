// An offer that arrives while the tab is hidden would wait unseen: the tab title counts such offers until
// the tab is shown again, and, where the user allowed it, a system notification says so and leads back.
import { m } from './i18n.svelte';

const supported = (): boolean => typeof Notification !== 'undefined';

export class OfferAlerts {
	/** Offers that arrived while the tab was hidden, not yet seen. */
	unseen = $state(0);

	/** Counts from zero again once the tab is shown. */
	watch(): () => void {
		const shown = () => {
			if (!document.hidden) this.unseen = 0;
		};
		document.addEventListener('visibilitychange', shown);
		return () => document.removeEventListener('visibilitychange', shown);
	}

	/** Asks for notifications once, inside a tap (remembering a device, accepting a first offer), never on load. */
	ask(): void {
		if (supported() && Notification.permission === 'default') void Notification.requestPermission();
	}

	/** The other device offered `count` files (transfer `id`); `focus` brings the offer into view. */
	offered(id: string, count: number, focus: () => void): void {
		if (!document.hidden) return;
		this.unseen++;
		if (!supported() || Notification.permission !== 'granted') return;
		const notification = new Notification(m.notify_offer_title(), {
			body: m.announce_incoming({ count }),
			tag: id,
		});
		notification.onclick = () => {
			window.focus();
			focus();
			notification.close();
		};
	}
}
