// Glues one pairing together: the signaling socket, the peer link (replaced when it drops while the other
// device is still in the room, so transfers resume) and the transfer hub, which outlives every link.
// The UI only sees `state`, `error`, the verification code and the transfer views.
import { peerGone, userError, type UserError } from '../errors';
import type { IceServer, Role, ServerMessage, SignalData } from '../protocol/signaling';
import { DataChannelPort } from '../rtc/channel';
import { PeerLink, type LinkState } from '../rtc/peer';
import { TransferHub } from '../transfer/hub';
import type { TransferView } from '../transfer/types';
import type { PairingLink } from './deep-link';
import { deriveKeys, fingerprints, type PairingKeys } from './sdp-auth';
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
/** Pause before the guest offers a new link after the old one dropped, so both sides notice first. */
const RELINK_DELAY_MS = 300;
/** How long a peer that lost its connection (network change, screen lock) may take to come back. */
export const REJOIN_GRACE_MS = 120_000;

export interface ConnectionEvents {
	changed(): void;
	text(text: string): void;
}

export interface ConnectionOptions {
	origin?: string;
	iceTransportPolicy?: RTCIceTransportPolicy;
}

export class Connection {
	state: ConnectionState = 'signaling';
	error: UserError | null = null;
	role: Role | null = null;
	/** Six digits both screens show once connected; equal on both means nobody is in between. */
	verificationCode: string | null = null;
	readonly hub: TransferHub;
	private keys: PairingKeys | null = null;
	private readonly signaling: SignalingClient;
	private peer: PeerLink | null = null;
	private peerPresent = false;
	private iceServers: IceServer[] = [];
	private iceTransportPolicy: RTCIceTransportPolicy = 'all';
	/** The connection goes through a TURN relay (still end-to-end encrypted), as the UI tells the user. */
	relayed = false;
	private connectTimer: ReturnType<typeof setTimeout> | undefined;
	private graceTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		readonly link: PairingLink,
		private readonly events: ConnectionEvents,
		private readonly options: ConnectionOptions = {},
	) {
		this.hub = new TransferHub({
			changed: () => this.events.changed(),
			text: (text) => this.events.text(text),
			broken: (error) => this.set('ended', error),
		});
		this.signaling = new SignalingClient(
			link.id,
			link.token,
			{
				message: (message) => this.onServer(message),
				down: (error, retrying) => {
					if (retrying && this.state === 'connected') return;
					this.set(retrying ? 'reconnecting' : 'ended', error);
				},
			},
			options.origin,
		);
	}

	async start(): Promise<void> {
		this.keys = await deriveKeys(this.link.key, this.link.id);
		this.signaling.connect();
	}

	/** The browser says it is online again: try the server now instead of waiting for the backoff. */
	online(): void {
		this.signaling.retryNow();
	}

	views(): TransferView[] {
		return this.hub.views();
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
						userError(
							'The other device did not complete the connection.',
							'Check that Pairbeam is still open there, then pair again.',
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
				this.iceServers = message.iceServers;
				this.iceTransportPolicy = this.options.iceTransportPolicy ?? message.iceTransportPolicy;
				this.peerPresent = message.peerPresent;
				if (this.linkOpen()) return;
				this.set(
					message.peerPresent ? (this.hub.transfers.length ? 'reconnecting' : 'connecting') : 'waiting',
				);
				if (message.peerPresent && message.role === 'guest') this.newPeer();
				return;
			case 'peer-joined':
				this.peerPresent = true;
				clearTimeout(this.graceTimer);
				// The peer only lost its signaling socket: a link that still works carries on.
				if (this.linkOpen()) return;
				this.set(this.hub.transfers.length ? 'reconnecting' : 'connecting');
				if (this.role === 'guest') this.newPeer();
				return;
			case 'peer-left':
				this.peerPresent = false;
				if (message.reason === 'left') return this.peerGoneForGood();
				// It may come back (network change, screen lock): keep transfers paused for a while.
				clearTimeout(this.graceTimer);
				this.graceTimer = setTimeout(() => this.peerGoneForGood(), REJOIN_GRACE_MS);
				if (!this.linkOpen()) this.set('reconnecting');
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
		this.hub.failAll(peerGone());
		this.set('waiting', peerGone());
	}

	private linkOpen(): boolean {
		return this.peer?.channel.readyState === 'open';
	}

	private onSignal(data: SignalData): void {
		// A host gets a new offer from a guest that replaced its link (new certificate): answer with a new one.
		const replaced =
			data.kind === 'description' &&
			data.description.type === 'offer' &&
			this.peer?.pc.remoteDescription &&
			fingerprints(this.peer.pc.remoteDescription.sdp).join() !== fingerprints(data.description.sdp).join();
		if (!this.peer || this.peer.pc.signalingState === 'closed' || replaced) this.newPeer();
		void this.peer?.handleSignal(data);
	}

	private newPeer(): void {
		this.dropPeer();
		if (!this.keys) return;
		this.verificationCode = null;
		const peer = new PeerLink(
			this.role ?? 'guest',
			{ keys: this.keys, iceServers: this.iceServers, iceTransportPolicy: this.iceTransportPolicy },
			{
				route: (relayed) => {
					if (this.peer !== peer) return;
					this.relayed = relayed;
					this.events.changed();
				},
				verified: (code) => {
					if (this.peer !== peer) return;
					this.verificationCode = code;
					this.events.changed();
				},
				signal: (data) => this.signaling.send(data),
				channel: (channel) => {
					if (this.peer !== peer) return;
					// A User Timing mark: `npm run bench` reads it to time deep link → open channel.
					performance.mark('pairbeam:channel-open');
					channel.addEventListener('close', () => this.linkLost(peer));
					this.hub.attach(new DataChannelPort(channel), peer.pc.sctp?.maxMessageSize ?? 65_536);
					this.set('connected');
				},
				state: (state: LinkState, error) => {
					if (this.peer !== peer) return;
					if (state === 'failed') this.set('ended', error ?? null);
					else if (state === 'reconnecting' && this.state === 'connected') this.set('reconnecting');
					else if (state === 'connected' && this.state === 'reconnecting') this.set('connected');
				},
			},
		);
		this.peer = peer;
	}

	/** The DataChannel closed: build a new link once the other device is (back) in the room, and resume. */
	private linkLost(peer: PeerLink): void {
		if (this.peer !== peer) return;
		this.dropPeer();
		this.set('reconnecting');
		if (!this.peerPresent) return;
		if (this.role === 'guest') {
			setTimeout(() => {
				if (!this.peer && this.peerPresent) this.newPeer();
			}, RELINK_DELAY_MS);
		}
	}

	private dropPeer(): void {
		const peer = this.peer;
		this.peer = null;
		peer?.close();
	}
}
