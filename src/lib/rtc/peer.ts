// One RTCPeerConnection with one negotiated, ordered DataChannel. Only the guest ever offers (also for
// ICE restarts), so there is no glare to resolve; the host answers and may be replaced by a fresh peer connection.
import { localError, type UserError } from '../errors';
import type { IceServer, PeerSignal, Role } from '../protocol/signaling';
import type { Lane } from '../transfer/striped-port';
import { DataChannelPort } from './channel';
import {
	fingerprints,
	signDescription,
	verificationCode,
	verifyDescription,
	type PairingKeys,
} from './sdp-auth';

export type PeerConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface PeerEvents {
	signal(data: PeerSignal): void;
	channel(channel: RTCDataChannel): void;
	state(state: PeerConnectionState, error?: UserError): void;
	/**
	 * Both descriptions are authenticated and applied: the code both screens can compare, and the other
	 * device's certificate fingerprints, the same on every peer connection it makes with one certificate.
	 */
	verified(code: string, device: string): void;
	/** Which way the connection goes: through a TURN relay, or directly. */
	route(relayed: boolean): void;
}

export interface PeerOptions {
	keys: PairingKeys;
	/** This device's DTLS certificate, kept for every peer connection of a session so the other side knows it again. */
	certificate: RTCCertificate;
	iceServers: IceServer[];
	iceTransportPolicy: RTCIceTransportPolicy;
}

/** The SDP session id (`o=` line): random per RTCPeerConnection, kept by ICE restarts. */
export function sdpSessionId(sdp: string): string | null {
	return /^o=\S+ (\S+) /m.exec(sdp)?.[1] ?? null;
}

export const intercepted = (): UserError =>
	localError(
		(m) => m.peer_intercepted(),
		(m) => m.peer_intercepted_hint(),
	);

export const turnRefused = (): UserError =>
	localError(
		(m) => m.peer_turn_refused(),
		(m) => m.peer_turn_refused_hint(),
	);

const RESTART_AFTER_MS = 2_000;

type Stats = Record<string, unknown>;

export class PeerConnection {
	readonly pc: RTCPeerConnection;
	readonly channel: RTCDataChannel;
	/** The channel as the transfer engine sees it; it holds frames that arrive before the hub listens. */
	readonly port: DataChannelPort;
	/** The channel as one lane of a striped port: its port, and what its send buffer holds. */
	readonly lane: Lane;
	private readonly pendingCandidates: RTCIceCandidateInit[] = [];
	private restartTimer: ReturnType<typeof setTimeout> | undefined;
	private restarts = 0;
	private closed = false;
	private readonly keys: PairingKeys;

	constructor(
		private readonly role: Role,
		options: PeerOptions,
		private readonly events: PeerEvents,
	) {
		this.keys = options.keys;
		this.pc = new RTCPeerConnection({
			iceServers: options.iceServers,
			iceTransportPolicy: options.iceTransportPolicy,
			certificates: [options.certificate],
		});
		this.channel = this.pc.createDataChannel('pairbeam', { negotiated: true, id: 0, ordered: true });
		this.port = new DataChannelPort(this.channel, () => this.roundTripMs());
		this.lane = { port: this.port, buffered: () => this.channel.bufferedAmount };
		this.channel.addEventListener('open', () => this.events.channel(this.channel));
		this.pc.addEventListener('icecandidate', (event) => {
			const c = event.candidate;
			this.events.signal({
				kind: 'candidate',
				candidate: c
					? {
							candidate: c.candidate,
							sdpMid: c.sdpMid,
							sdpMLineIndex: c.sdpMLineIndex,
							usernameFragment: c.usernameFragment,
						}
					: null,
			});
		});
		this.pc.addEventListener('negotiationneeded', () => {
			if (this.role === 'guest') void this.offer();
		});
		this.pc.addEventListener('connectionstatechange', () => this.onConnectionState());
		this.pc.addEventListener('icecandidateerror', (event) => {
			// 401: the TURN server refused the credentials; with relay-only ICE nothing else can connect.
			if (event.errorCode === 401 && options.iceTransportPolicy === 'relay') this.fail(turnRefused());
		});
	}

	async handleSignal(data: PeerSignal): Promise<void> {
		if (this.closed) return;
		try {
			if (data.kind === 'candidate') {
				if (!data.candidate) return;
				if (this.pc.remoteDescription) await this.addCandidate(data.candidate);
				else this.pendingCandidates.push(data.candidate);
				return;
			}
			const { description } = data;
			if (description.type === 'offer' && this.role !== 'host') return;
			if (description.type === 'answer' && this.role !== 'guest') return;
			const peerRole: Role = this.role === 'host' ? 'guest' : 'host';
			if (!(await verifyDescription(this.keys, peerRole, description.type, description.sdp, data.auth))) {
				// Never apply it: without the remote description no DTLS handshake, so no byte can leave.
				this.fail(intercepted());
				this.close();
				return;
			}
			await this.pc.setRemoteDescription(description);
			for (const candidate of this.pendingCandidates.splice(0)) await this.addCandidate(candidate);
			if (description.type === 'offer') {
				await this.pc.setLocalDescription();
				await this.sendDescription();
			}
		} catch (error) {
			this.fail(
				localError(
					(m) => m.peer_setup_failed({ reason: error instanceof Error ? error.message : String(error) }),
					(m) => m.peer_reload_both_hint(),
				),
			);
		}
	}

	/**
	 * This peer connection cannot take `data`, and a new one must answer it: it is closed, or `data` is an offer
	 * from a new RTCPeerConnection on the other side (a new SDP session; certificates stay the same).
	 */
	staleFor(data: PeerSignal): boolean {
		const remote = this.pc.remoteDescription;
		if (this.pc.signalingState === 'closed') return true;
		return (
			data.kind === 'description' &&
			data.description.type === 'offer' &&
			!!remote &&
			sdpSessionId(remote.sdp) !== sdpSessionId(data.description.sdp)
		);
	}

	/**
	 * The other device, known by the certificate fingerprints of its description (the same on every peer
	 * connection it makes with one certificate); empty before the description is applied.
	 */
	get device(): string {
		return fingerprints(this.pc.remoteDescription?.sdp ?? '').join(' ');
	}

	/** A candidate of a peer connection the other side has since replaced cannot match; skipping it is correct. */
	private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
		await this.pc.addIceCandidate(candidate).catch(() => undefined);
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		clearTimeout(this.restartTimer);
		this.channel.close();
		this.pc.close();
		this.events.state('closed');
	}

	private async offer(): Promise<void> {
		try {
			await this.pc.setLocalDescription();
			await this.sendDescription();
		} catch (error) {
			this.fail(
				localError(
					(m) => m.peer_start_failed({ reason: String(error) }),
					(m) => m.signal_reload_hint(),
				),
			);
		}
	}

	private async sendDescription(): Promise<void> {
		const local = this.pc.localDescription;
		if (!local || (local.type !== 'offer' && local.type !== 'answer')) return;
		const auth = await signDescription(this.keys, this.role, local.type, local.sdp);
		this.events.signal({ kind: 'description', description: { type: local.type, sdp: local.sdp }, auth });
	}

	private onConnectionState(): void {
		if (this.closed) return;
		const state = this.pc.connectionState;
		clearTimeout(this.restartTimer);
		if (state === 'connected') {
			this.restarts = 0;
			this.events.state('connected');
			const local = this.pc.localDescription?.sdp;
			const remote = this.pc.remoteDescription?.sdp;
			if (local && remote) {
				void verificationCode(this.keys, local, remote).then((code) =>
					this.events.verified(code, this.device),
				);
			}
			// A connection closed under getStats has no route left to report (and must not raise an uncaught error).
			void this.relayed()
				.then((relayed) => this.events.route(relayed))
				.catch(() => undefined);
		} else if (state === 'disconnected') {
			this.events.state('reconnecting');
			// Only the offerer restarts ICE; a short grace lets a blip recover by itself first.
			if (this.role === 'guest') this.restartTimer = setTimeout(() => this.restartIce(), RESTART_AFTER_MS);
		} else if (state === 'failed') {
			if (this.role === 'guest' && this.restarts < 2) this.restartIce();
			else if (this.role === 'guest') {
				this.fail(
					localError(
						(m) => m.peer_no_route(),
						(m) => m.peer_no_route_hint(),
					),
				);
			} else this.events.state('reconnecting');
		}
	}

	/** Whether the selected candidate pair runs through a TURN relay on either side. */
	private async relayed(): Promise<boolean> {
		const route = await this.selectedRoute();
		return route?.local?.candidateType === 'relay' || route?.remote?.candidateType === 'relay';
	}

	/** The selected candidate pair's current round trip in milliseconds, once ICE has measured one. */
	private async roundTripMs(): Promise<number | null> {
		const seconds = (await this.selectedRoute())?.pair?.currentRoundTripTime;
		return typeof seconds === 'number' ? seconds * 1000 : null;
	}

	/** The selected candidate pair's stats and its two candidates'; undefined before one is selected. */
	private async selectedRoute(): Promise<Record<'pair' | 'local' | 'remote', Stats | undefined> | undefined> {
		const stats = await this.pc.getStats();
		const byId = new Map<string, Stats>();
		stats.forEach((report: Stats) => byId.set(report.id as string, report));
		for (const report of byId.values()) {
			if (report.type !== 'transport') continue;
			const pair = byId.get(report.selectedCandidatePairId as string);
			return {
				pair,
				local: byId.get(pair?.localCandidateId as string),
				remote: byId.get(pair?.remoteCandidateId as string),
			};
		}
		return undefined;
	}

	private restartIce(): void {
		if (this.closed) return;
		this.restarts += 1;
		this.pc.restartIce();
	}

	private fail(error: UserError): void {
		this.events.state('failed', error);
	}
}
