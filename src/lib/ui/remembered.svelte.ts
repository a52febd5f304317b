// The devices this one remembers, and the name it goes by, as runes the home and session screens read. A
// pairing is registered with the server before it is stored, so a stored one always has its room.
import { localError, type UserError } from '../errors';
import { pairingCredentials } from '../pairing/derive';
import { defaultDeviceName } from '../pairing/device-name';
import { rememberedPairing, type Agreement } from '../pairing/remember';
import { deletePairing, listPairings, savePairing } from '../pairing/store';
import type { PairingRecord } from '../pairing/store-records';
import { cleanDeviceName } from '../protocol/remember';
import type { Result } from '../protocol/validate';
import { forgetPairing, registerPairing } from '../session/api';

const NAME_KEY = 'pairbeam.device-name';

const storeFailed = (error: unknown): UserError => {
	const reason = error instanceof Error ? error.message : String(error);
	return localError(
		(m) => m.remember_store_failed({ reason }),
		(m) => m.remember_store_failed_hint(),
	);
};

function storedName(): string | null {
	try {
		return localStorage.getItem(NAME_KEY);
	} catch {
		return null;
	}
}

export class RememberedDevices {
	records = $state.raw<PairingRecord[]>([]);
	/** How many stored pairings could not be read (damaged, or from a newer version). */
	unreadable = $state(0);
	/** This device's name as others see it: the user's choice, else one from the platform. */
	name = $state('');
	/** What went wrong reading or forgetting, shown with the list. */
	error = $state.raw<UserError | null>(null);
	/** The name of the device that forgot this one last (removed here too). */
	forgottenThere = $state<string | null>(null);

	/** Reads the name and the stored pairings. */
	async load(): Promise<void> {
		this.name = cleanDeviceName(storedName() ?? '') || defaultDeviceName(navigator);
		try {
			const stored = await listPairings();
			this.records = stored.records;
			this.unreadable = stored.unreadable.length;
		} catch (error) {
			this.error = storeFailed(error);
		}
	}

	/** The user edited this device's name; an empty one falls back to the platform's. */
	rename(name: string): void {
		const clean = cleanDeviceName(name);
		this.name = clean || defaultDeviceName(navigator);
		try {
			if (clean) localStorage.setItem(NAME_KEY, clean);
			else localStorage.removeItem(NAME_KEY);
		} catch {
			// Storage refused (a private window): the name holds for this page only.
		}
	}

	/** Both devices agreed: register the pairing's room, then keep the record; gives the record kept. */
	async add(agreement: Agreement): Promise<Result<PairingRecord, UserError>> {
		const { record, credentials } = await rememberedPairing(agreement);
		const refused = await registerPairing({
			id: credentials.roomId,
			hostToken: credentials.tokens.host,
			guestToken: credentials.tokens.guest,
		});
		if (refused) return { ok: false, error: refused };
		try {
			await savePairing(record);
		} catch (error) {
			return { ok: false, error: storeFailed(error) };
		}
		this.records = [...this.records.filter((r) => r.id !== record.id), record];
		return { ok: true, value: record };
	}

	/** Forgets `record` here at once, then tells the server, which closes this device's seat. */
	async forget(record: PairingRecord): Promise<void> {
		this.error = null;
		try {
			await deletePairing(record.id);
		} catch (error) {
			this.error = storeFailed(error);
			return;
		}
		this.records = this.records.filter((r) => r.id !== record.id);
		const { roomId, tokens } = await pairingCredentials(record.secret);
		this.error = await forgetPairing(roomId, tokens[record.role]);
	}
}
