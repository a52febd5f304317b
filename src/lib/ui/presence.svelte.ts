// Each remembered device's room, held open while the app is: the other seat taken means the device is
// online. A room idles (standby) until one device is tapped, so presence costs a socket, no peer connection.
import { SvelteMap } from 'svelte/reactivity';
import { pairingCredentials } from '../pairing/derive';
import type { PairingRecord } from '../pairing/store-records';
import { Connection, type ConnectionEvents } from '../session/connection';
import { pairingMeeting } from '../session/meeting';

export class Presence {
	/** Whether each remembered device (by pairing id) has its app open now. */
	online = $state.raw<Record<string, boolean>>({});
	private readonly rooms = new SvelteMap<string, Connection>();

	/**
	 * `events` are the app's, for the room that is shown; `active` is told when the other device connects
	 * to a room nobody here tapped (it was tapped there), `forgotten` when the other device forgot the pairing.
	 */
	constructor(
		private readonly events: ConnectionEvents,
		private readonly active: (connection: Connection, record: PairingRecord) => void,
		private readonly forgotten: (record: PairingRecord) => void,
	) {}

	/** Takes this device's seat in `record`'s room, idle until a tap on either device. */
	async watch(record: PairingRecord): Promise<void> {
		if (this.rooms.has(record.id)) return;
		const credentials = await pairingCredentials(record.secret);
		if (this.rooms.has(record.id)) return;
		const connection: Connection = new Connection(
			pairingMeeting(credentials, record.role),
			{
				changed: () => {
					if (connection.forgottenThere) {
						if (this.rooms.get(record.id) === connection) this.forgotten(record);
						return;
					}
					this.online = { ...this.online, [record.id]: connection.present };
					if (connection.state === 'connecting' || connection.state === 'connected') {
						this.active(connection, record);
					}
					this.events.changed();
				},
				text: (text) => this.events.text(text),
				remembered: (agreement) => this.events.remembered(agreement),
			},
			{ standby: true },
		);
		this.rooms.set(record.id, connection);
		await connection.start();
	}

	/** The network is back: every room tries the server now. */
	retryNow(): void {
		for (const connection of this.rooms.values()) connection.online();
	}

	/** The room of `record`, to connect in at a tap. */
	room(id: string): Connection | undefined {
		return this.rooms.get(id);
	}

	/** The user left the room's screen: its connection ends, and a fresh seat waits for the next tap. */
	async reopen(record: PairingRecord): Promise<void> {
		this.close(record.id);
		await this.watch(record);
	}

	/** The pairing was forgotten here: leave its room for good. */
	close(id: string): void {
		const room = this.rooms.get(id);
		this.rooms.delete(id);
		room?.close();
		this.online = Object.fromEntries(Object.entries(this.online).filter(([room]) => room !== id));
	}
}
