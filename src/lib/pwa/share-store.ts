// Files shared to the installed app wait in Cache Storage between the service worker that receives the
// share_target POST and the page that sends them: `new Response(file)` streams to disk, never into memory.
// Any site can POST to the share target, so a share waits for the user to keep it, a new share replaces
// those nobody kept, and what all shares hold together is capped.

/** The manifest's `share_target.action`. */
export const SHARE_ACTION = '/share';
/** The query parameter of the home page that names a stored share. */
export const SHARE_PARAM = 'share';
/** The query parameter the service worker sets when it refused to store a share (its value: the reason). */
export const SHARE_REFUSED_PARAM = 'share-refused';
/** Why a share was refused: past the size cap, or the browser could not store it (e.g. a full disk). */
export const TOO_LARGE = 'too-large';
export const NOT_STORED = 'not-stored';
export type RefusedReason = typeof TOO_LARGE | typeof NOT_STORED;
/**
 * The most all stored shares may hold together. A share sits in this origin's storage until the user keeps
 * or discards it (or a day passes) and any page can post one, so this bounds what a hostile page can take
 * of the disk. 512 MiB holds a batch of phone photos or a few minutes of video; bigger files go through
 * Send files, which reads them from the device as they are sent and stores nothing.
 */
export const MAX_SHARED_BYTES = 512 * 1024 * 1024;
const CACHE = 'pairbeam-shared';
const PREFIX = '/shared/';
/** Shares whose page was closed before it sent or discarded them are dropped after a day. */
const MAX_AGE_MS = 24 * 60 * 60 * 1000;
const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface StoredMeta {
	created: number;
	text: string;
	files: { name: string; type: string; lastModified: number }[];
}

export interface Share {
	files: File[];
	text: string;
}

export type StoreResult = { ok: true; id: string } | { ok: false; reason: RefusedReason };

const metaKey = (id: string) => `${PREFIX}${id}/meta`;
const keptKey = (id: string) => `${PREFIX}${id}/kept`;
const fileKey = (id: string, index: number) => `${PREFIX}${id}/${index}`;
const idOf = (key: Request) => new URL(key.url).pathname.slice(PREFIX.length).split('/')[0];

/** Share ids are the service worker's UUIDs; anything else in the address bar is not looked up. */
export const isShareId = (id: string): boolean => ID_PATTERN.test(id);

/** Title, text and URL as one message, without repeating a URL the text already carries. */
export function sharedText(title: string, text: string, url: string): string {
	const parts = [title, text].map((part) => part.trim()).filter(Boolean);
	if (url.trim() && !parts.some((part) => part.includes(url.trim()))) parts.push(url.trim());
	return parts.join('\n');
}

const field = (form: FormData, name: string): string => {
	const value = form.get(name);
	return typeof value === 'string' ? value : '';
};

/** Bytes every stored share takes together (the sizes of the cached bodies; nothing is read). */
async function storedBytes(cache: Cache): Promise<number> {
	let total = 0;
	for (const key of await cache.keys()) total += (await (await cache.match(key))?.blob())?.size ?? 0;
	return total;
}

/** Deletes every share the user has not kept: a new share takes the place of one nobody looked at. */
async function deleteUnkeptShares(cache: Cache): Promise<void> {
	const keys = await cache.keys();
	const kept = new Set(keys.filter((key) => key.url.endsWith('/kept')).map(idOf));
	const unkept = new Set(keys.map(idOf).filter((id) => !kept.has(id)));
	for (const id of unkept) await deleteShare(id);
}

/**
 * Stores what a share_target POST carried and returns its id, or refuses it when it would take the shares
 * past MAX_SHARED_BYTES. `declaredBytes` (the request's Content-Length) refuses a body far too big unread.
 */
export async function storeShare(request: Request): Promise<StoreResult> {
	const cache = await caches.open(CACHE);
	await deleteUnkeptShares(cache);
	const room = MAX_SHARED_BYTES - (await storedBytes(cache));
	const declared = Number(request.headers.get('Content-Length'));
	// A multipart body carries a few hundred bytes per part besides the files; 1 MiB covers thousands.
	if (Number.isFinite(declared) && declared > room + 1024 * 1024) return { ok: false, reason: TOO_LARGE };
	const form = await request.formData();
	const files = form.getAll('files').filter((value): value is File => typeof value !== 'string');
	const meta: StoredMeta = {
		created: Date.now(),
		text: sharedText(field(form, 'title'), field(form, 'text'), field(form, 'url')),
		files: files.map((file) => ({ name: file.name, type: file.type, lastModified: file.lastModified })),
	};
	const metaBody = JSON.stringify(meta);
	const incoming = files.reduce((sum, file) => sum + file.size, new Blob([metaBody]).size);
	if (incoming > room) return { ok: false, reason: TOO_LARGE };
	const id = crypto.randomUUID();
	try {
		await Promise.all(
			files.map((file, index) =>
				cache.put(
					fileKey(id, index),
					new Response(file, { headers: { 'Content-Type': file.type || 'application/octet-stream' } }),
				),
			),
		);
		await cache.put(metaKey(id), new Response(metaBody, { headers: { 'Content-Type': 'application/json' } }));
	} catch {
		// Usually a full disk or the origin's quota; half a share is no use to anyone.
		await deleteShare(id).catch(() => undefined);
		return { ok: false, reason: NOT_STORED };
	}
	return { ok: true, id };
}

/** The reason the service worker put in the address bar, or null when it is none of ours. */
export const refusedReason = (value: string | null): RefusedReason | null =>
	value === TOO_LARGE || value === NOT_STORED ? value : null;

/** The stored share as Files (backed by Cache Storage, not read into memory), or null when it is gone. */
export async function loadShare(id: string): Promise<Share | null> {
	const cache = await caches.open(CACHE);
	const metaResponse = await cache.match(metaKey(id));
	if (!metaResponse) return null;
	const meta = (await metaResponse.json()) as StoredMeta;
	const files: File[] = [];
	for (const [index, info] of meta.files.entries()) {
		const response = await cache.match(fileKey(id, index));
		if (!response) return null;
		files.push(
			new File([await response.blob()], info.name, { type: info.type, lastModified: info.lastModified }),
		);
	}
	return { files, text: meta.text };
}

/** The user kept the share: a later share no longer replaces it. False when it is gone already. */
export async function keepShare(id: string): Promise<boolean> {
	const cache = await caches.open(CACHE);
	if (!(await cache.match(metaKey(id)))) return false;
	await cache.put(keptKey(id), new Response(''));
	return true;
}

/** Deletes one file of a share (the user removed it before sending). */
export async function deleteSharedFile(id: string, index: number): Promise<void> {
	await (await caches.open(CACHE)).delete(fileKey(id, index));
}

export async function deleteShare(id: string): Promise<void> {
	const cache = await caches.open(CACHE);
	const keys = await cache.keys();
	await Promise.all(keys.filter((key) => idOf(key) === id).map((key) => cache.delete(key)));
}

/** Deletes shares older than a day: their page was closed before it sent or discarded them. */
export async function deleteStaleShares(now = Date.now()): Promise<void> {
	const cache = await caches.open(CACHE);
	const metas = (await cache.keys()).filter((key) => key.url.endsWith('/meta'));
	for (const key of metas) {
		const meta = (await (await cache.match(key))?.json()) as StoredMeta | undefined;
		if (!meta || now - meta.created > MAX_AGE_MS) await deleteShare(idOf(key));
	}
}
