// Glues one pairing together: the signaling socket, the peer connection (replaced when it drops while the other
// device is still in the room, so transfers resume), the transfer hub, which outlives every peer connection, and the
// send gate, which lets nothing out before the user confirmed the device by its verification code.
// The UI only sees `state`, `error`, the verification code, what waits for confirmation and the transfer views.
import { isolate, localError, peerGone, type UserError } from '../errors';
import {
	RememberHandshake,
	type Agreement,
	type RememberNotice,
	type RememberState,
	type Step,
} from '../pairing/remember';
import type { Offer, PeerMessage } from '../protocol/frames';
import {
	CloseCode,
	MAX_LANES,
	type IceServer,
	type Role,
	type ServerMessage,
	type SignalData,
} from '../protocol/signaling';
import { Lanes } from '../rtc/lanes';
import { PeerConnection, type PeerConnectionState } from '../rtc/peer';
import type { PairingKeys } from '../rtc/sdp-auth';
import { TransferHub } from '../transfer/hub';
import { StripedPort, stripedMessageSize } from '../transfer/striped-port';
import type { SaveTarget } from '../sinks/sink';
import type { FileSource, TransferView } from '../transfer/types';
import type { Meeting } from './meeting';
import { SendGate } from './send-gate';
import { SignalingClient } from './signaling-client';

export type ConnectionState =
	| 'signaling' // reaching the server
	| 'waiting' // in the room, the other device is not
	| 'connecting' // both present, WebRTC negotiating
	| 'connected'
	| 'reconnecting'
	| 'ended';

/** How long both devices may be present without a direct connection before the user is told. */
const CONNECT_TIMEOUT_MS = 20_000;
/** Pause before the guest offers a new peer connection after the old one dropped, so both sides notice first. */
const NEW_PEER_DELAY_MS = 300;
/** How long a peer that lost its connection (network change, screen lock) may take to come back. */
const REJOIN_GRACE_MS = 120_000;
/**
 * Peer connections the guest opens per link. Measured through a relay with one shared bottleneck, bare channels:
 * 4 lanes moved 2.2x (LAN, 0.1% loss), 3.7x (40 ms, 0.5%) and 3.4x (150 ms, 1%) what one did; 8 overflowed its queue.
 * `localStorage['pairbeam.lanes']` (1 to 4) overrides it, so the benchmark can compare.
 */
function lanesWanted(): number {
	const wanted = Number(globalThis.localStorage?.getItem('pairbeam.lanes'));
	return Number.isInteger(wanted) && wanted >= 1 && wanted <= MAX_LANES ? wanted : MAX_LANES;
}

/** This device's DTLS certificate for the whole session (the browsers' default kind). */
const CERTIFICATE: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

export interface ConnectionEvents {
	changed(): void;
	text(text: string): void;
	/** Both devices agreed to remember each other: derive, store and register the pairing. */
	remembered(agreement: Agreement): void;
}

/** Something the user asked to send: a file, a folder that holds nothing (by its path), or a text message. */
type Outgoing = { file: FileSource } | { folder: string } | { text: string };

/** Whether `path` is the folder `folder` or lies inside it, at any depth. */
export const inFolder = (path: string | undefined, folder: string): boolean =>
	path !== undefined && (path === folder || path.startsWith(`${folder}/`));

const otherDevice = (): UserError =>
	localError(
		(m) => m.connection_other_device(),
		(m) => m.connection_other_device_hint(),
	);

export class Connection {
	state: ConnectionState = 'signaling';
	error: UserError | null = null;
	role: Role | null = null;
	/** Six digits both screens show once connected; equal on both means nobody is in between. */
	verificationCode: string | null = null;
	private readonly hub: TransferHub;
	private keys: PairingKeys | null = null;
	private certificate: RTCCertificate | null = null;
	private readonly gate = new SendGate<Outgoing>();
	/** The device the hub's transfers are with: its certificate fingerprints, from the last authenticated peer connection. */
	private device: string | null = null;
	/** The current peer connection's code and device, once the other side is authenticated. */
	private authenticated: { code: string; device: string } | null = null;
	private readonly signaling: SignalingClient;
	private peer: PeerConnection | null = null;
	/** The current link's other peer connections, and the port that stripes frames over all of them. */
	private lanes: Lanes | null = null;
	private port: StripedPort | null = null;
	private peerPresent = false;
	private iceServers: IceServer[] = [];
	private iceTransportPolicy: RTCIceTransportPolicy = 'all';
	/** The connection goes through a TURN relay (still end-to-end encrypted), as the UI tells the user. */
	relayed = false;
	private connectTimer: ReturnType<typeof setTimeout> | undefined;
	private graceTimer: ReturnType<typeof setTimeout> | undefined;
	/** The remember handshake of a QR session, once this device knows its seat; none in a pairing's room. */
	private handshake: RememberHandshake | null = null;
	/** What the handshake last told the user, until the next step. */
	rememberNotice: RememberNotice | null = null;
	/** The server closed a remembered pairing's room because one of its devices forgot it. */
	forgottenThere = false;

	/** Present in the room but idle until tapped (a remembered device's presence): no peer connection yet. */
	private standby: boolean;

	/**
	 * `standby`: wait in the room without connecting until `connectNow()` here or a tap on the other device
	 * (a remembered pairing's room); otherwise connect as soon as both are there (a QR session).
	 */
	constructor(
		private readonly meeting: Meeting,
		private readonly events: ConnectionEvents,
		private readonly options: { standby?: boolean } = {},
	) {
		this.standby = options.standby ?? false;
		this.hub = new TransferHub({
			changed: () => this.events.changed(),
			message: (message) => this.onPeerMessage(message),
			broken: (error) => this.set('ended', error),
		});
		this.signaling = new SignalingClient(meeting.socketPath, meeting.token, {
			message: (message) => this.onServer(message),
			down: (error, retrying, code) => {
				if (code === CloseCode.forgotten) this.forgottenThere = true;
				if (retrying && this.state === 'connected') return;
				this.set(retrying ? 'reconnecting' : 'ended', error);
			},
		});
	}

	async start(): Promise<void> {
		[this.keys, this.certificate] = await Promise.all([
			this.meeting.keys(),
			RTCPeerConnection.generateCertificate(CERTIFICATE),
		]);
		this.signaling.connect();
	}

	/** The code the user is asked to confirm: a device is connected and has not been confirmed yet. */
	get awaitingConfirmation(): string | null {
		return this.gate.awaiting;
	}

	/** The user confirmed the device now in the other seat (it may be reconnecting). */
	get confirmed(): boolean {
		return this.gate.confirmed;
	}

	/** Files waiting for the user to confirm a device, oldest first. */
	get heldFiles(): FileSource[] {
		return this.gate.held.flatMap((item) => ('file' in item ? [item.file] : []));
	}

	/** Empty folders waiting with them, by path. */
	get heldFolders(): string[] {
		return this.gate.held.flatMap((item) => ('folder' in item ? [item.folder] : []));
	}

	/** Text messages waiting for the user to confirm a device, oldest first. */
	get heldTexts(): string[] {
		return this.gate.held.flatMap((item) => ('text' in item ? [item.text] : []));
	}

	/**
	 * Offers files (and the empty folders of a folder sent whole) to the confirmed device at once; holds them
	 * until the user confirms one otherwise.
	 */
	send(files: readonly FileSource[], folders: readonly string[] = []): UserError | null {
		const items: Outgoing[] = [...files.map((file) => ({ file })), ...folders.map((folder) => ({ folder }))];
		return this.dispatch(this.gate.offer(items));
	}

	/** Sends a text message to the confirmed device, or holds it like files. */
	sendText(text: string): void {
		this.dispatch(this.gate.offer([{ text }]));
	}

	/** The user pressed the button naming `code`: everything held goes to the device showing it. */
	confirm(code: string): UserError | null {
		const released = this.gate.confirm(code);
		if (!released) return otherDevice();
		this.events.changed();
		return this.dispatch(released);
	}

	/** Forgets a held file, every held file and empty folder inside a `folder`, or the held text at `textIndex`. */
	unqueue(which: { file: FileSource } | { folder: string } | { textIndex: number }): void {
		const texts = this.gate.held.filter((item) => 'text' in item);
		const items =
			'file' in which
				? this.gate.held.filter((held) => 'file' in held && held.file === which.file)
				: 'folder' in which
					? this.gate.held.filter(
							(held) =>
								('file' in held && inFolder(held.file.path, which.folder)) ||
								('folder' in held && inFolder(held.folder, which.folder)),
						)
					: texts.slice(which.textIndex, which.textIndex + 1);
		for (const item of items) this.gate.remove(item);
		this.events.changed();
	}

	/** Where the remember handshake stands; null where there is nothing to remember (a pairing's own room). */
	get rememberState(): RememberState | null {
		return this.handshake?.state ?? null;
	}

	/** The user tapped "Remember this device" (which is Allow when the other device asked); `name` is this device's. */
	remember(name: string): void {
		if (this.handshake) this.take(this.handshake.remember(name, Date.now()));
	}

	/** The user allowed the other device's request to remember this one. */
	allowRemember(name: string): void {
		if (this.handshake) this.take(this.handshake.allow(name, Date.now()));
	}

	/** The user answered the other device's request with Not now. */
	notNow(): void {
		if (this.handshake) this.take(this.handshake.notNow());
	}

	/** Whether the other device is in the room: for a remembered device, that its app is open. */
	get present(): boolean {
		return this.peerPresent;
	}

	/**
	 * The user tapped the remembered device: leave standby and connect. The guest opens the peer connection;
	 * the host knocks, and the guest opens it.
	 */
	connectNow(): void {
		if (!this.standby) return;
		this.standby = false;
		if (!this.peerPresent) return;
		this.set('connecting');
		if (this.role === 'guest') this.newPeer();
		else this.signaling.send({ kind: 'knock' });
	}

	/** The browser says it is online again: try the server now instead of waiting for the backoff. */
	online(): void {
		this.signaling.retryNow();
	}

	views(): TransferView[] {
		return this.hub.views();
	}

	/** What the other device offers under `id` (files, empty folders), while it waits for Accept; else null. */
	offered(id: string): Offer | null {
		const transfer = this.hub.findIncoming(id);
		return transfer?.status === 'incoming' ? { files: transfer.metas, folders: [...transfer.folders] } : null;
	}

	/** Saves the offer `id` to `target`, which the user picked for it. */
	accept(id: string, target: SaveTarget): Promise<void> {
		return this.hub.findIncoming(id)?.accept(target) ?? Promise.resolve();
	}

	decline(id: string): Promise<void> {
		return this.hub.findIncoming(id)?.decline() ?? Promise.resolve();
	}

	/** Cancels one file of transfer `id` (either direction), or all of it when `index` is null. */
	cancel(id: string, index: number | null): void {
		this.hub.find(id)?.cancel(index);
	}

	close(): void {
		clearTimeout(this.connectTimer);
		clearTimeout(this.graceTimer);
		this.hub.failAll(peerGone());
		this.peer?.close();
		this.signaling.close();
	}

	private set(state: ConnectionState, error: UserError | null = null): void {
		this.state = state;
		this.error = error;
		clearTimeout(this.connectTimer);
		if (state === 'connecting' || (state === 'reconnecting' && this.peerPresent)) {
			this.connectTimer = setTimeout(
				() =>
					this.set(
						'ended',
						localError(
							(m) => m.connection_timeout(),
							(m) => m.connection_timeout_hint(),
						),
					),
				CONNECT_TIMEOUT_MS,
			);
		}
		this.events.changed();
	}

	private onServer(message: ServerMessage): void {
		switch (message.type) {
			case 'joined':
				this.role = message.role;
				if (this.meeting.session && !this.handshake) {
					this.handshake = new RememberHandshake({
						...this.meeting.session,
						role: message.role,
						confirmed: () => this.gate.confirmed,
					});
				}
				this.iceServers = message.iceServers;
				this.iceTransportPolicy = message.iceTransportPolicy;
				this.peerPresent = message.peerPresent;
				if (this.channelOpen()) return;
				if (this.standby) return this.set('waiting');
				this.set(
					message.peerPresent ? (this.hub.transfers.length ? 'reconnecting' : 'connecting') : 'waiting',
				);
				if (message.peerPresent && message.role === 'guest') this.newPeer();
				return;
			case 'peer-joined':
				this.peerPresent = true;
				clearTimeout(this.graceTimer);
				// The peer only lost its signaling socket: a peer connection that still works carries on.
				if (this.channelOpen()) return;
				if (this.standby) return this.events.changed();
				this.set(this.hub.transfers.length ? 'reconnecting' : 'connecting');
				if (this.role === 'guest') this.newPeer();
				// In a remembered device's room the guest may be idle: tell it to connect.
				else if (this.options.standby) this.signaling.send({ kind: 'knock' });
				return;
			case 'peer-left':
				this.peerPresent = false;
				if (this.standby) return this.events.changed();
				if (message.reason === 'left') return this.peerGoneForGood();
				// It may come back (network change, screen lock): keep transfers paused for a while.
				clearTimeout(this.graceTimer);
				this.graceTimer = setTimeout(() => this.peerGoneForGood(), REJOIN_GRACE_MS);
				if (!this.channelOpen()) this.set('reconnecting');
				return;
			case 'signal':
				this.onSignal(message.data);
				return;
			case 'error':
				return;
		}
	}

	private peerGoneForGood(): void {
		clearTimeout(this.graceTimer);
		this.dropPeer();
		this.gate.peerGone();
		this.device = null;
		this.hub.failAll(peerGone());
		// A remembered device's room goes back to waiting for a tap.
		this.standby = this.options.standby ?? false;
		this.set('waiting', peerGone());
	}

	private channelOpen(): boolean {
		return this.peer?.channel.readyState === 'open';
	}

	/**
	 * Text goes to the screen, remember steps to the handshake. In a pairing's own room the devices already
	 * remember each other, so a request there is answered no.
	 */
	private onPeerMessage(message: PeerMessage): void {
		if (message.t === 'text') return this.events.text(message.text);
		if (message.t === 'forget') return;
		if (this.handshake) return this.take(this.handshake.receive(message, Date.now()));
		if (message.t === 'remember-request') this.take({ send: { t: 'remember-decline' } });
	}

	/** Does what a handshake step says: sends its message, hands on an agreement, shows its notice. */
	private take(step: Step): void {
		if (step.send) {
			this.hub.sendMessage(step.send).catch(() => this.take(this.handshake?.closed() ?? {}));
		}
		if (step.agreed) this.events.remembered(step.agreed);
		this.rememberNotice = step.notice ?? null;
		this.events.changed();
	}

	private onSignal(data: SignalData): void {
		if (data.kind === 'knock') {
			// The host was tapped: as the guest, connect (a host ignores it: it never opens a peer connection).
			if (this.role !== 'guest' || this.peer) return;
			this.standby = false;
			this.set('connecting');
			return this.newPeer();
		}
		// A signal ends a standby: the other device was tapped and is connecting.
		if (this.standby) {
			this.standby = false;
			this.set('connecting');
		}
		if (data.lane) return this.lanes?.handleSignal(data.lane, data);
		// A host gets a new offer from a guest that replaced its peer connection: answer with a new one.
		if (!this.peer || this.peer.staleFor(data)) this.newPeer();
		void this.peer?.handleSignal(data);
	}

	/** Texts go now; files and empty folders become one transfer. Returns the hub's objection to them, if any. */
	private dispatch(items: Outgoing[]): UserError | null {
		for (const item of items) {
			if (!('text' in item)) continue;
			this.hub.sendMessage({ t: 'text', text: item.text }).catch(() => {
				const text = isolate(item.text.slice(0, 40));
				this.error = localError(
					(m) => m.connection_text_lost({ text }),
					(m) => m.connection_text_lost_hint(),
				);
				this.events.changed();
			});
		}
		const files = items.flatMap((item) => ('file' in item ? [item.file] : []));
		const folders = items.flatMap((item) => ('folder' in item ? [item.folder] : []));
		return files.length > 0 || folders.length > 0 ? this.hub.send(files, folders) : null;
	}

	/**
	 * The peer connection's channel is open and the other device authenticated. Transfers belong to one device: when
	 * another one is on the peer connection, they end before the hub uses it; the gate then learns who is there.
	 */
	private peerReady(peer: PeerConnection): void {
		const authenticated = this.authenticated;
		if (this.peer !== peer || !authenticated || peer.channel.readyState !== 'open') return;
		if (this.device !== null && this.device !== authenticated.device) this.hub.failAll(peerGone());
		this.device = authenticated.device;
		this.port = new StripedPort(peer.lane);
		for (const lane of this.lanes?.open ?? []) this.laneOpen(lane);
		this.hub.attach(this.port, stripedMessageSize(peer.pc.sctp?.maxMessageSize ?? 65_536));
		const released = this.gate.connected(authenticated.device, authenticated.code);
		// A remembered device proved itself with the pairing's keys: it is confirmed without asking.
		if (this.meeting.remembered) released.push(...(this.gate.confirm(authenticated.code) ?? []));
		this.set('connected', this.dispatch(released));
		if (this.role === 'guest') this.lanes?.openAll(lanesWanted());
	}

	/** A lane opened: frames spread over it too, if it reaches the same device as the first peer connection. */
	private laneOpen(lane: PeerConnection): void {
		if (!this.port || !this.authenticated) return;
		if (lane.device !== this.authenticated.device) return lane.close();
		this.port.add(lane.lane);
	}

	/** A lane the port sent on closed: frames on it are lost, so the link is rebuilt and transfers resume. */
	private laneLost(lane: PeerConnection): void {
		if (this.port?.carries(lane.lane) && this.peer) this.peerLost(this.peer);
	}

	private newPeer(): void {
		this.dropPeer();
		if (!this.keys || !this.certificate) return;
		this.verificationCode = null;
		const options = {
			keys: this.keys,
			certificate: this.certificate,
			iceServers: this.iceServers,
			iceTransportPolicy: this.iceTransportPolicy,
		};
		const peer = new PeerConnection(this.role ?? 'guest', options, {
			route: (relayed) => {
				if (this.peer !== peer) return;
				this.relayed = relayed;
				this.events.changed();
			},
			verified: (code, device) => {
				if (this.peer !== peer) return;
				const first = !this.authenticated;
				this.verificationCode = code;
				this.authenticated = { code, device };
				// An ICE restart reconnects the same peer connection: it is ready already.
				if (first) this.peerReady(peer);
			},
			signal: (data) => this.signaling.send(data),
			channel: (channel) => {
				if (this.peer !== peer) return;
				// A User Timing mark: `npm run bench` reads it to time deep link → open channel.
				performance.mark('pairbeam:channel-open');
				channel.addEventListener('close', () => this.peerLost(peer));
				this.peerReady(peer);
			},
			state: (state: PeerConnectionState, error) => {
				if (this.peer !== peer) return;
				if (state === 'failed') this.set('ended', error ?? null);
				else if (state === 'reconnecting' && this.state === 'connected') this.set('reconnecting');
				else if (state === 'connected' && this.state === 'reconnecting') this.set('connected');
			},
		});
		this.peer = peer;
		this.lanes = new Lanes(this.role ?? 'guest', options, {
			signal: (data) => this.signaling.send(data),
			open: (lane) => this.laneOpen(lane),
			lost: (lane) => this.laneLost(lane),
		});
	}

	/** The DataChannel closed: build a new peer connection once the other device is (back) in the room, and resume. */
	private peerLost(peer: PeerConnection): void {
		if (this.peer !== peer) return;
		this.dropPeer();
		this.set('reconnecting');
		if (!this.peerPresent) return;
		if (this.role === 'guest') {
			setTimeout(() => {
				if (!this.peer && this.peerPresent) this.newPeer();
			}, NEW_PEER_DELAY_MS);
		}
	}

	private dropPeer(): void {
		const peer = this.peer;
		this.peer = null;
		this.lanes?.close();
		this.lanes = null;
		this.port = null;
		this.authenticated = null;
		this.gate.disconnected();
		if (peer && this.handshake) this.take(this.handshake.closed());
		peer?.close();
	}
}
