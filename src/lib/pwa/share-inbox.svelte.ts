// Picks up what was shared to the installed app (the service worker stored it and sent the browser to
// /?share=ID): queues files and text on the send screen, and deletes the stored copies once sent or discarded.
import { userError, type UserError } from '../errors';
import { isFinished } from '../transfer/types';
import type { AppState } from '../ui/app-state.svelte';
import { deleteShare, deleteSharedFile, loadShare, type Share } from './share-store';

interface StoredFile {
	file: File;
	index: number;
}

export class ShareInbox {
	/** Shared text (title, text, URL) waiting to be sent once the other device is connected. */
	text = $state('');
	problem = $state.raw<UserError | null>(null);
	private id: string | null = null;
	/** Shared files still in the app's queue. */
	private queued: StoredFile[] = [];
	/** Shared files handed to a transfer: kept until no outgoing transfer is unfinished. */
	private sending: StoredFile[] = [];

	constructor(private readonly app: AppState) {}

	/** Queues the stored share `id` and shows the QR code to send it. */
	async open(id: string): Promise<void> {
		const share = await loadShare(id).catch((): Share | null => null);
		if (!share) {
			this.problem = userError(
				'The shared files are no longer here.',
				'Share them to Pairbeam again, or pick them with Send files.',
			);
			await deleteShare(id).catch(() => undefined);
			return;
		}
		this.id = id;
		this.queued = share.files.map((file, index) => ({ file, index }));
		this.text = share.text;
		this.app.pick(share.files);
		await this.app.showCode('send');
	}

	/** Runs whenever the app state changes: sends queued text, and lets go of files sent or discarded. */
	update(): void {
		const app = this.app;
		const left = app.screen === 'home';
		if (left) this.text = '';
		else if (this.text && app.connection === 'connected') {
			app.sendText(this.text);
			this.text = '';
		}
		const id = this.id;
		if (id === null) return;
		const shared = this.queued.map((entry) => entry.file);
		if (left && app.queued.some((file) => shared.includes(file))) {
			app.queued = app.queued.filter((file) => !shared.includes(file));
		}
		const gone = this.queued.filter((entry) => !app.queued.includes(entry.file));
		this.queued = this.queued.filter((entry) => app.queued.includes(entry.file));
		if (!left && app.connection === 'connected') this.sending.push(...gone);
		else for (const entry of gone) void deleteSharedFile(id, entry.index).catch(() => undefined);
		if (!app.transfers.some((t) => t.direction === 'send' && !isFinished(t.status))) this.sending = [];
		if (this.queued.length === 0 && this.sending.length === 0) {
			this.id = null;
			void deleteShare(id).catch(() => undefined);
		}
	}

	discardText(): void {
		this.text = '';
	}
}
