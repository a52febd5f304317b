// Picks up what was shared to the app (the service worker stored it and sent the browser to /?share=ID).
// Any site can POST to the share target, so a share is only shown until the user keeps it: nothing is
// queued or sent before that tap. The UI hands in what the inbox may do (hooks) and shows it the app's
// state (view), so this layer never imports the UI.
import { localError, type UserError } from '../errors';
import {
	deleteShare,
	deleteSharedFile,
	isShareId,
	keepShare,
	loadShare,
	MAX_SHARED_BYTES,
	NOT_STORED,
	TOO_LARGE,
	type RefusedReason,
	type Share,
} from './share-store';
import type { FileSource } from '../transfer/types';

export interface ShareHooks {
	/** Puts the kept files on the send queue and shows the QR code to send them. */
	queue(files: File[]): void;
	/** Hands text to the session, which sends it once the user has confirmed the other device. */
	sendText(text: string): void;
	/** Takes files off the send queue: the user left the session before they were sent. */
	unqueue(files: readonly FileSource[]): void;
	/** Writes a size in the language shown (the inbox names its size cap in a refusal). */
	size(bytes: number): string;
}

/** What the inbox sees of the app after each change. */
export interface AppView {
	/** On the home screen: there is no session, or the user left it. */
	home: boolean;
	/** A session exists to hand text to. */
	inSession: boolean;
	/** The user confirmed the other device: files leaving the queue now are being sent, not removed. */
	confirmed: boolean;
	/** The app's send queue: shared files, and files or folders picked in the app. */
	queued: readonly FileSource[];
	/** An outgoing transfer has not finished. */
	sending: boolean;
}

interface StoredFile {
	file: File;
	index: number;
}

const gone = (): UserError =>
	localError(
		(m) => m.share_gone(),
		(m) => m.share_gone_hint(),
	);

/** Why the service worker refused a share; the size cap is written by the UI's formatter (`ShareHooks.size`). */
const refusals: Record<RefusedReason, (size: (bytes: number) => string) => UserError> = {
	[TOO_LARGE]: (size) =>
		localError(
			(m) => m.share_too_large({ size: size(MAX_SHARED_BYTES) }),
			(m) => m.share_too_large_hint(),
		),
	[NOT_STORED]: () =>
		localError(
			(m) => m.share_not_stored(),
			(m) => m.share_not_stored_hint(),
		),
};

export class ShareInbox {
	/** A share the user has not kept or discarded yet. */
	review = $state.raw<Share | null>(null);
	/** Kept text waiting for a session to hand it to. */
	text = $state('');
	problem = $state.raw<UserError | null>(null);
	private id: string | null = null;
	/** Kept files still in the app's queue. */
	private queued: StoredFile[] = [];
	/** Kept files handed to a transfer: their stored copies stay until no outgoing transfer is unfinished. */
	private sending: StoredFile[] = [];

	constructor(private readonly hooks: ShareHooks) {}

	/** Shows the stored share `id` for the user to keep or discard. */
	async open(id: string): Promise<void> {
		const share = isShareId(id) ? await loadShare(id).catch((): Share | null => null) : null;
		if (!share) {
			this.problem = gone();
			if (isShareId(id)) await deleteShare(id).catch(() => undefined);
			return;
		}
		this.id = id;
		this.review = share;
	}

	/** The service worker refused a share: say why. */
	refused(reason: RefusedReason): void {
		this.problem = refusals[reason]((bytes) => this.hooks.size(bytes));
	}

	/** The user keeps the share: its files are queued, its text waits for the session. */
	async keep(): Promise<void> {
		const share = this.review;
		const id = this.id;
		if (!share || !id) return;
		this.review = null;
		if (!(await keepShare(id).catch(() => false))) {
			this.id = null;
			this.problem = gone();
			return;
		}
		this.queued = share.files.map((file, index) => ({ file, index }));
		this.text = share.text;
		this.hooks.queue(share.files);
	}

	/** The user does not want the share: it is deleted unsent. */
	async discard(): Promise<void> {
		const id = this.id;
		this.review = null;
		this.id = null;
		if (id) await deleteShare(id).catch(() => undefined);
	}

	/** Runs whenever the app state changes: hands on kept text, and lets go of files sent or removed. */
	update(view: AppView): void {
		if (view.home) this.text = '';
		else if (this.text && view.inSession) {
			this.hooks.sendText(this.text);
			this.text = '';
		}
		const id = this.id;
		if (id === null || this.review) return;
		const shared: readonly FileSource[] = this.queued.map((entry) => entry.file);
		if (view.home && view.queued.some((file) => shared.includes(file))) this.hooks.unqueue(shared);
		const left = this.queued.filter((entry) => !view.queued.includes(entry.file));
		this.queued = this.queued.filter((entry) => view.queued.includes(entry.file));
		if (!view.home && view.confirmed) this.sending.push(...left);
		else for (const entry of left) void deleteSharedFile(id, entry.index).catch(() => undefined);
		if (!view.sending) this.sending = [];
		if (this.queued.length === 0 && this.sending.length === 0) {
			this.id = null;
			void deleteShare(id).catch(() => undefined);
		}
	}
}
