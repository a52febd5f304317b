// Holds whatever this device would send until its user confirmed the device on the other end by the code
// both screens show: anyone who saw the QR code can join, so the session layer, not the UI, lets things out.
// A device is known by its DTLS certificate (authenticated by the peer connection), which stays the same across reconnections.

export class SendGate<T> {
	/** The device on the current authenticated peer connection, and the code both screens show for it. */
	private peer: string | null = null;
	private code: string | null = null;
	/** The device the user confirmed; null until they do, and again once it left or another took its place. */
	private confirmedPeer: string | null = null;
	private readonly items: T[] = [];

	/** What waits to be sent, oldest first. */
	get held(): readonly T[] {
		return this.items;
	}

	/** The user confirmed the device in the other seat; it holds while that device reconnects. */
	get confirmed(): boolean {
		return this.confirmedPeer !== null;
	}

	/** The code to confirm: a device is connected and the user has not confirmed it yet. */
	get awaiting(): string | null {
		return this.peer !== null && !this.open ? this.code : null;
	}

	private get open(): boolean {
		return this.peer !== null && this.peer === this.confirmedPeer;
	}

	/** A peer connection to `peer` is authenticated and open; returns what may go now (the confirmed device is back). */
	connected(peer: string, code: string): T[] {
		if (this.confirmedPeer !== peer) this.confirmedPeer = null;
		this.peer = peer;
		this.code = code;
		return this.open ? this.items.splice(0) : [];
	}

	/** The peer connection is down; the same device may come back on a new one. */
	disconnected(): void {
		this.peer = null;
		this.code = null;
	}

	/** The device left for good: its confirmation ends, what waits stays for the next device. */
	peerGone(): void {
		this.disconnected();
		this.confirmedPeer = null;
	}

	/** The user confirmed the device showing `code`; returns everything held, or null if no connected device shows it. */
	confirm(code: string): T[] | null {
		if (this.peer === null || code !== this.code) return null;
		this.confirmedPeer = this.peer;
		return this.items.splice(0);
	}

	/** Returns `items` when they may go now; otherwise holds them and returns nothing. */
	offer(items: T[]): T[] {
		if (this.open) return items;
		this.items.push(...items);
		return [];
	}

	remove(item: T): void {
		const index = this.items.indexOf(item);
		if (index >= 0) this.items.splice(index, 1);
	}
}
