// Files staged in origin-private storage before their download: one folder per transfer, named by its id.
// A page holds a Web Lock per folder it stages into for as long as it lives, so the clean-up at start-up,
// in any tab, removes only what pages that are gone left behind, never what a running transfer uses.
export const STAGING_DIR = 'pairbeam-incoming';

/** The Web Lock a page holds while a transfer of it stages files in the folder `transferId`. */
export const stagingLock = (transferId: string): string => `pairbeam-staging:${transferId}`;

/** Resolves once this page holds the lock `name`, which it then keeps until it closes. */
function holdUntilPageCloses(name: string): Promise<void> {
	return new Promise((held, failed) => {
		navigator.locks
			.request(name, () => {
				held();
				return new Promise<never>(() => {});
			})
			.catch(failed);
	});
}

/** This transfer's staging folder, locked first so no clean-up can remove it while it is in use. */
export async function stagingFolder(transferId: string): Promise<FileSystemDirectoryHandle> {
	await holdUntilPageCloses(stagingLock(transferId));
	const root = await navigator.storage.getDirectory();
	const staging = await root.getDirectoryHandle(STAGING_DIR, { create: true });
	return staging.getDirectoryHandle(transferId, { create: true });
}

/**
 * Removes what earlier visits staged and left behind: every folder whose lock no page holds. Run at
 * start-up; what cannot be removed now is reported on the console and tried again at the next start.
 */
export function clearStaging(): Promise<void> {
	return removeLeftovers().catch((error: unknown) =>
		console.warn('Files staged by an earlier visit could not be removed yet:', error),
	);
}

async function removeLeftovers(): Promise<void> {
	if (typeof navigator.storage?.getDirectory !== 'function') return;
	const root = await navigator.storage.getDirectory();
	const staging = await root.getDirectoryHandle(STAGING_DIR).catch((error: unknown) => {
		if (error instanceof DOMException && error.name === 'NotFoundError') return undefined;
		throw error;
	});
	if (!staging) return;
	const names: string[] = [];
	for await (const name of staging.keys()) names.push(name);
	for (const name of names) {
		await navigator.locks.request(stagingLock(name), { ifAvailable: true }, async (lock) => {
			if (lock) await staging.removeEntry(name, { recursive: true });
		});
	}
}
