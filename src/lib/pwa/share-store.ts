// Files shared to the installed app wait in Cache Storage between the service worker that receives the
// share_target POST and the page that sends them: `new Response(file)` streams to disk, never into memory.

/** The manifest's `share_target.action`. */
export const SHARE_ACTION = '/share';
/** The query parameter of the send screen that names a stored share. */
export const SHARE_PARAM = 'share';
const CACHE = 'pairbeam-shared';
const PREFIX = '/shared/';
/** Shares nobody picked up (the page was closed first) are dropped after a day. */
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

interface StoredMeta {
	created: number;
	text: string;
	files: { name: string; type: string; lastModified: number }[];
}

export interface Share {
	files: File[];
	text: string;
}

const metaKey = (id: string) => `${PREFIX}${id}/meta`;
const fileKey = (id: string, index: number) => `${PREFIX}${id}/${index}`;

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

/** Stores what a share_target POST carried; returns its id for the send screen. */
export async function storeShare(form: FormData): Promise<string> {
	const id = crypto.randomUUID();
	const cache = await caches.open(CACHE);
	const files = form.getAll('files').filter((value): value is File => typeof value !== 'string');
	await Promise.all(
		files.map((file, index) =>
			cache.put(
				fileKey(id, index),
				new Response(file, { headers: { 'Content-Type': file.type || 'application/octet-stream' } }),
			),
		),
	);
	const meta: StoredMeta = {
		created: Date.now(),
		text: sharedText(field(form, 'title'), field(form, 'text'), field(form, 'url')),
		files: files.map((file) => ({ name: file.name, type: file.type, lastModified: file.lastModified })),
	};
	await cache.put(metaKey(id), Response.json(meta));
	return id;
}

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

/** Deletes one file of a share (the user removed it before sending). */
export async function deleteSharedFile(id: string, index: number): Promise<void> {
	await (await caches.open(CACHE)).delete(fileKey(id, index));
}

export async function deleteShare(id: string): Promise<void> {
	const cache = await caches.open(CACHE);
	const keys = await cache.keys();
	await Promise.all(
		keys
			.filter((key) => new URL(key.url).pathname.startsWith(`${PREFIX}${id}/`))
			.map((key) => cache.delete(key)),
	);
}

/** Deletes shares older than a day: their page was closed before it sent or discarded them. */
export async function deleteStaleShares(now = Date.now()): Promise<void> {
	const cache = await caches.open(CACHE);
	const metas = (await cache.keys()).filter((key) => key.url.endsWith('/meta'));
	for (const key of metas) {
		const meta = (await (await cache.match(key))?.json()) as StoredMeta | undefined;
		if (!meta || now - meta.created > MAX_AGE_MS) {
			await deleteShare(new URL(key.url).pathname.slice(PREFIX.length).split('/')[0]);
		}
	}
}
