// Remembered pairings live only in this device's IndexedDB (the secret never leaves it): one object store
// keyed by the pairing's room id, each value a versioned record (store-records.ts) read back through its parser.
import { parseRecord, serializeRecord, type PairingRecord } from './store-records';

const DATABASE = 'pairbeam';
const VERSION = 1;
const PAIRINGS = 'pairings';

/** What the store holds: the records it could read, and why each other one could not be used. */
export interface StoredPairings {
	records: PairingRecord[];
	unreadable: string[];
}

function request<T>(req: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
	});
}

function open(): Promise<IDBDatabase> {
	const req = indexedDB.open(DATABASE, VERSION);
	req.onupgradeneeded = () => req.result.createObjectStore(PAIRINGS, { keyPath: 'id' });
	return request(req);
}

/** Runs `work` on the pairings store in one transaction, resolving once the transaction has committed. */
async function withStore<T>(
	mode: IDBTransactionMode,
	work: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
	const db = await open();
	try {
		const transaction = db.transaction(PAIRINGS, mode);
		const result = request(work(transaction.objectStore(PAIRINGS)));
		await new Promise<void>((resolve, reject) => {
			transaction.oncomplete = () => resolve();
			transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
			transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
		});
		return await result;
	} finally {
		db.close();
	}
}

/** Every remembered pairing, oldest first. */
export async function listPairings(): Promise<StoredPairings> {
	const values = await withStore('readonly', (store) => store.getAll());
	const records: PairingRecord[] = [];
	const unreadable: string[] = [];
	for (const value of values) {
		const parsed = parseRecord(value);
		if (parsed.ok) records.push(parsed.value);
		else unreadable.push(parsed.error);
	}
	records.sort((a, b) => a.createdAt - b.createdAt);
	return { records, unreadable };
}

/** Keeps `record`, replacing one with the same id (the same two devices remembering each other again). */
export async function savePairing(record: PairingRecord): Promise<void> {
	await withStore('readwrite', (store) => store.put(serializeRecord(record)));
}

export async function deletePairing(id: string): Promise<void> {
	await withStore('readwrite', (store) => store.delete(id));
}
