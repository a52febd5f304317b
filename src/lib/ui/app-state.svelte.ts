// The one place UI state lives: screens read these runes, buttons call these methods. Transfer progress
// is copied from the engine at most every 200 ms, so a 30 MB/s stream does not re-render per chunk.
import { localError, type UserError } from '../errors';
import type { RememberNotice, RememberState } from '../pairing/remember';
import type { Offer } from '../protocol/frames';
import { requestSession } from '../session/api';
import type { PairingRecord } from '../pairing/store-records';
import { Connection, inFolder, type ConnectionEvents, type ConnectionState } from '../session/connection';
import { formatDeepLink, randomKey, shortCode, type PairingLink } from '../session/deep-link';
import { sessionMeeting } from '../session/meeting';
import { hasFileSystemAccess, pickSaveTarget } from '../sinks/fs-access';
import { hasOpfsWritable, opfsDownloadTarget } from '../sinks/opfs-download';
import type { SaveTarget } from '../sinks/sink';
import { startStreamedDownload, streamedDownload } from '../sinks/streamed-download';
import { isFinished, type FileSource, type TransferView } from '../transfer/types';
import { m } from './i18n.svelte';
import { OfferAlerts } from './offer-alerts.svelte';
import { Presence } from './presence.svelte';
import { RememberedDevices } from './remembered.svelte';
import { WakeLock } from './wake-lock';

export type Screen = 'home' | 'session';
export type Intent = 'receive' | 'send';

const REFRESH_MS = 200;

/**
 * Where an offer goes in a browser without save pickers: one download the service worker streams, else (no
 * worker controls the page yet, or it does not answer) OPFS staging; null if neither.
 */
async function downloadTarget(id: string, offer: Offer): Promise<SaveTarget | null> {
	const streamed = streamedDownload(offer.files, offer.folders, new Date());
	if (await startStreamedDownload(streamed.target.stream, streamed.file)) return streamed.target;
	return hasOpfsWritable() ? opfsDownloadTarget(id) : null;
}

/** Moves the focus to the Accept button of offer `id` (from a notification). */
function focusOffer(id: string): void {
	document.querySelector<HTMLElement>(`[data-transfer-id="${CSS.escape(id)}"] button.primary`)?.focus();
}

/** What the screen reader hears when a transfer ends, by how it ended. */
const finished = {
	done: m.announce_done,
	declined: m.announce_declined,
	cancelled: m.announce_cancelled,
	failed: m.announce_failed,
};

export class AppState {
	screen = $state<Screen>('home');
	intent = $state<Intent>('receive');
	link = $state.raw<PairingLink | null>(null);
	deepLink = $state('');
	code = $state('');
	verificationCode = $state<string | null>(null);
	relayed = $state(false);
	connection = $state<ConnectionState | 'creating' | 'idle'>('idle');
	error = $state.raw<UserError | null>(null);
	transfers = $state.raw<TransferView[]>([]);
	/** Files waiting to be sent: before a session exists, and in it until the user confirms a device. */
	queued = $state.raw<FileSource[]>([]);
	/** The empty folders of a folder waiting to be sent whole, by path. */
	queuedFolders = $state.raw<string[]>([]);
	/** Text messages waiting until the user confirms a device. */
	heldTexts = $state.raw<string[]>([]);
	/** The code the confirm button names: something waits and a device is connected, not yet confirmed. */
	confirmCode = $state<string | null>(null);
	/** The user confirmed the device in the other seat; later sends go without asking. */
	confirmed = $state(false);
	texts = $state.raw<string[]>([]);
	announcement = $state('');
	/** Where remembering the connected device stands (null: nothing to remember here), and what it last said. */
	rememberState = $state.raw<RememberState | null>(null);
	rememberNotice = $state.raw<RememberNotice | null>(null);
	/** Registering or storing the agreed pairing failed: nothing was kept on this device. */
	rememberProblem = $state.raw<UserError | null>(null);
	readonly devices = new RememberedDevices();
	readonly alerts = new OfferAlerts();
	/** The remembered device whose room is shown, when the session is one (no QR code, no link). */
	remembered = $state.raw<PairingRecord | null>(null);
	private session: Connection | null = null;
	/** What every connection shown here reports to, a QR session's or a remembered device's room. */
	private readonly events: ConnectionEvents = {
		changed: () => this.scheduleRefresh(),
		text: (text) => {
			this.texts = [...this.texts, text];
			this.announce(m.announce_text());
		},
		remembered: (agreement) => {
			void this.devices.add(agreement).then((added) => {
				this.rememberProblem = added.ok ? null : added.error;
				if (!added.ok) return;
				this.announce(m.remember_done({ name: agreement.name }));
				void this.presence.watch(added.value);
			});
		},
	};
	readonly presence = new Presence(
		this.events,
		(connection, record) => this.show(connection, record),
		(record) => {
			this.devices.forgottenThere = record.name;
			this.forget(record);
		},
	);
	private refreshTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly wakeLock = new WakeLock();

	/** Reads the remembered devices and takes a seat in each one's room, to see who is online. */
	async loadDevices(): Promise<void> {
		await this.devices.load();
		for (const record of this.devices.records) void this.presence.watch(record);
	}

	/** The user tapped a remembered device: its room's screen, connecting at once (no QR code). */
	connectTo(record: PairingRecord): void {
		const room = this.presence.room(record.id);
		if (!room) return;
		this.show(room, record);
		room.connectNow();
	}

	/** Forgets a remembered device here and on the server, and leaves its room (and its screen). */
	forget(record: PairingRecord): void {
		if (this.remembered?.id === record.id) {
			this.remembered = null;
			this.leave();
		}
		this.presence.close(record.id);
		void this.devices.forget(record);
	}

	/** Creates a session and shows its QR code; this device becomes the host. */
	async showCode(intent: Intent): Promise<void> {
		this.intent = intent;
		this.screen = 'session';
		this.connection = 'creating';
		this.error = null;
		const created = await requestSession();
		if (!created.ok) {
			this.connection = 'idle';
			this.error = created.error;
			return;
		}
		const link = { id: created.value.id, token: created.value.token, key: randomKey() };
		this.deepLink = formatDeepLink(location.origin, link);
		this.open(link);
	}

	/** Joins from a scanned or pasted deep link; this device becomes the guest. */
	join(link: PairingLink, intent: Intent = 'receive'): void {
		this.intent = intent;
		this.screen = 'session';
		this.deepLink = '';
		this.open(link);
	}

	/**
	 * Files (and a folder's empty folders) go to the session, which sends them to a confirmed device or holds
	 * them until one is.
	 */
	pick(files: readonly FileSource[], folders: readonly string[] = []): void {
		if (files.length === 0 && folders.length === 0) return;
		if (!this.session) {
			this.queued = [...this.queued, ...files];
			this.queuedFolders = [...this.queuedFolders, ...folders];
			return;
		}
		this.report(this.session.send(files, folders));
	}

	/** What the user picked or dropped could not be read. */
	pickFailed(): void {
		this.error = localError(
			(m) => m.error_pick_unreadable(),
			(m) => m.error_pick_unreadable_hint(),
		);
	}

	unqueue(file: FileSource): void {
		if (this.session) {
			this.session.unqueue({ file });
			this.refresh();
		} else this.queued = this.queued.filter((queued) => queued !== file);
	}

	/** Takes a top-level folder off the queue: every file and empty folder inside it. */
	unqueueFolder(name: string): void {
		if (this.session) {
			this.session.unqueue({ folder: name });
			this.refresh();
			return;
		}
		this.queued = this.queued.filter((file) => !inFolder(file.path, name));
		this.queuedFolders = this.queuedFolders.filter((path) => !inFolder(path, name));
	}

	unqueueText(index: number): void {
		this.session?.unqueue({ textIndex: index });
		this.refresh();
	}

	/** The user checked that the other screen shows `code`: what waits goes to that device, and later sends too. */
	confirm(code: string): void {
		if (!this.session) return;
		const problem = this.session.confirm(code);
		this.report(problem);
		if (!problem) this.announce(m.announce_sending_to({ code }));
	}

	/**
	 * Accept an offer. Must run inside the click: the save pickers need the user's gesture. Without them the
	 * offer downloads as one stream through the service worker, or, where none controls the page yet, each
	 * file is staged in OPFS and then downloaded.
	 */
	accept(id: string): void {
		const session = this.session;
		const offer = session?.offered(id);
		if (!session || !offer) return;
		this.alerts.ask();
		const target = hasFileSystemAccess() ? pickSaveTarget(offer.files) : downloadTarget(id, offer);
		target.then(
			(chosen) => {
				if (chosen) return session.accept(id, chosen);
				this.error = localError(
					(m) => m.error_cannot_save(),
					(m) => m.error_cannot_save_hint(),
				);
			},
			(error: unknown) => {
				if (error instanceof DOMException && error.name === 'AbortError') {
					this.announce(m.announce_no_place());
				} else {
					this.error = localError(
						(m) => m.error_save_place({ reason: String(error) }),
						(m) => m.error_save_place_hint(),
					);
				}
			},
		);
	}

	decline(id: string): void {
		void this.session?.decline(id);
	}

	cancel(id: string, index: number | null): void {
		this.session?.cancel(id, index);
	}

	/**
	 * "Remember this device" (Allow, when the other device asked first); with `code`, the user first confirms
	 * the device showing it, as they would before sending.
	 */
	remember(code?: string): void {
		this.alerts.ask();
		if (code !== undefined) this.confirm(code);
		this.rememberProblem = null;
		this.session?.remember(this.devices.name);
		this.refresh();
	}

	allowRemember(): void {
		this.alerts.ask();
		this.session?.allowRemember(this.devices.name);
		this.refresh();
	}

	notNow(): void {
		this.session?.notNow();
		this.refresh();
	}

	sendText(text: string): void {
		this.session?.sendText(text);
		this.refresh();
	}

	/** The network is back: retry whatever failed, a session that could not be created included. */
	online(): void {
		if (this.screen === 'session' && !this.session && this.connection === 'idle')
			void this.showCode(this.intent);
		else this.session?.online();
		this.presence.retryNow();
	}

	leave(): void {
		if (this.remembered) void this.presence.reopen(this.remembered);
		else this.session?.close();
		this.session = null;
		this.remembered = null;
		this.heldTexts = [];
		this.rememberState = null;
		this.rememberNotice = null;
		this.rememberProblem = null;
		this.confirmCode = null;
		this.confirmed = false;
		this.link = null;
		this.deepLink = '';
		this.connection = 'idle';
		this.transfers = [];
		this.error = null;
		this.screen = 'home';
		void this.wakeLock.set(false);
	}

	private open(link: PairingLink): void {
		this.link = link;
		this.code = shortCode(link.id);
		this.session?.close();
		const session = new Connection(sessionMeeting(link), this.events);
		this.session = session;
		// What was picked before (offline, or on the share screen) waits in the session for a confirmed device.
		if (this.queued.length > 0 || this.queuedFolders.length > 0)
			session.send(this.queued, this.queuedFolders);
		void session.start();
		this.refresh();
	}

	/**
	 * Shows a remembered device's room: tapped here, or connected from the other device while this one shows
	 * nothing else (a QR session on screen keeps the screen).
	 */
	private show(room: Connection, record: PairingRecord): void {
		if (this.session) return;
		this.session = room;
		this.remembered = record;
		this.intent = 'send';
		this.screen = 'session';
		this.link = null;
		this.deepLink = '';
		this.error = null;
		this.refresh();
	}

	private announce(text: string): void {
		this.announcement = text;
	}

	private report(problem: UserError | null): void {
		this.refresh();
		if (problem) this.error = problem;
	}

	private scheduleRefresh(): void {
		if (this.refreshTimer !== undefined) return;
		this.refreshTimer = setTimeout(() => {
			this.refreshTimer = undefined;
			this.refresh();
		}, REFRESH_MS);
	}

	private refresh(): void {
		const session = this.session;
		if (!session) return;
		const before = this.connection;
		this.connection = session.state;
		this.error = session.error;
		this.verificationCode = session.verificationCode;
		this.relayed = session.relayed;
		this.queued = session.heldFiles;
		this.queuedFolders = session.heldFolders;
		this.heldTexts = session.heldTexts;
		this.confirmed = session.confirmed;
		this.rememberState = session.rememberState;
		this.rememberNotice = session.rememberNotice;
		const waiting = this.queued.length > 0 || this.queuedFolders.length > 0 || this.heldTexts.length > 0;
		const confirmCode = waiting ? session.awaitingConfirmation : null;
		if (before !== 'connected' && session.state === 'connected') this.announce(m.announce_connected());
		if (confirmCode && confirmCode !== this.confirmCode)
			this.announce(m.announce_confirm({ code: confirmCode }));
		this.confirmCode = confirmCode;
		const previous: Record<string, TransferView['status']> = Object.fromEntries(
			this.transfers.map((t) => [t.id, t.status]),
		);
		this.transfers = session.views();
		for (const t of this.transfers) {
			const was = previous[t.id];
			if (was === t.status) continue;
			if (t.status === 'incoming') {
				this.announce(m.announce_incoming({ count: t.files.length }));
				this.alerts.offered(t.id, t.files.length, () => focusOffer(t.id));
			}
			if (isFinished(t.status) && was) this.announce(finished[t.status as keyof typeof finished]());
		}
		void this.wakeLock.set(this.transfers.some((t) => t.status === 'active'));
	}
}
