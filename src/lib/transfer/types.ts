// What a screen may know about a transfer: plain data copied out of the engine, so the UI never holds or
// calls into a live transfer and a view can be compared with the previous one to announce changes.
import type { UserError } from '../errors';

/**
 * What the sender reads: a picked File, or anything else with a size, slices and a File's metadata; with
 * the `path` it has in a folder sent whole ("photos/2026/a.jpg", ending in its name).
 */
export type FileSource = Pick<Blob, 'size' | 'slice'> &
	Pick<File, 'name' | 'type' | 'lastModified'> & { readonly path?: string };

export type FileStatus = 'waiting' | 'active' | 'verifying' | 'done' | 'cancelled' | 'failed';

export type TransferStatus =
	| 'offered' // sent to the peer, waiting for accept or decline
	| 'incoming' // received, waiting for this user's decision
	| 'active'
	| 'paused' // the connection dropped; it continues from the last verified block once reconnected
	| 'done'
	| 'declined'
	| 'cancelled'
	| 'failed';

export interface FileView {
	name: string;
	/** Where the file sits in the folder sent ("photos/2026/a.jpg"); absent for a file sent on its own. */
	path?: string;
	size: number;
	type: string;
	bytes: number;
	status: FileStatus;
	error?: UserError;
	/** Something worth knowing that did not stop the file: a damaged block (counted from 1) was sent again. */
	notice?: { resentBlock: number };
}

export interface TransferView {
	id: string;
	direction: 'send' | 'receive';
	status: TransferStatus;
	files: FileView[];
	bytes: number;
	total: number;
	bytesPerSecond: number;
	etaSeconds: number | null;
	savedTo?: string;
	/** Saved as one stream (a ZIP download): a file can be left out only until it starts arriving. */
	oneStream?: boolean;
	error?: UserError;
	/** The offer's empty folders, by path; absent when it has none. */
	folders?: readonly string[];
}

export const isFinished = (status: TransferStatus): boolean =>
	status === 'done' || status === 'declined' || status === 'cancelled' || status === 'failed';
