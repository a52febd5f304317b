// The extra peer connections (lanes 1 to MAX_LANES-1) beside the first one: each is its own SCTP association, so
// random loss shrinks one lane's congestion window, not the transfer's (bare channels, 40 ms and 0.5% loss: one
// 0.42 MB/s, four 1.56 MB/s). The guest opens them once the first is up; the host answers each lane's offer.
import type { PeerSignal, Role } from '../protocol/signaling';
import { PeerConnection, type PeerOptions } from './peer';

export interface LaneEvents {
	/** A signal of lane `data.lane` for the other device. */
	signal(data: PeerSignal): void;
	/** A lane's channel opened (its SDP was authenticated before it could). */
	open(lane: PeerConnection): void;
	/** A lane's channel closed, or its connection failed for good. */
	lost(lane: PeerConnection): void;
}

export class Lanes {
	private readonly lanes = new Map<number, PeerConnection>();

	constructor(
		private readonly role: Role,
		private readonly options: PeerOptions,
		private readonly events: LaneEvents,
	) {}

	/** The guest opens lanes 1 to `count`-1, each offering on its own. */
	openAll(count: number): void {
		for (let lane = 1; lane < count; lane++) this.create(lane);
	}

	/** The lanes whose channel is open now. */
	get open(): PeerConnection[] {
		return [...this.lanes.values()].filter((lane) => lane.channel.readyState === 'open');
	}

	/** A signal for lane `lane` (≥ 1): the host answers an offer on a new peer connection when it needs one. */
	handleSignal(lane: number, data: PeerSignal): void {
		let peer = this.lanes.get(lane);
		if (this.role === 'host' && (!peer || peer.staleFor(data))) {
			peer?.close();
			peer = this.create(lane);
		}
		void peer?.handleSignal(data);
	}

	close(): void {
		for (const lane of this.lanes.values()) lane.close();
		this.lanes.clear();
	}

	private create(lane: number): PeerConnection {
		const peer: PeerConnection = new PeerConnection(this.role, this.options, {
			signal: (data) => this.events.signal({ ...data, lane }),
			channel: (channel) => {
				if (this.lanes.get(lane) !== peer) return;
				channel.addEventListener('close', () => this.lost(lane, peer));
				this.events.open(peer);
			},
			state: (state) => {
				if (state === 'failed') this.lost(lane, peer);
			},
			verified: () => {},
			route: () => {},
		});
		this.lanes.set(lane, peer);
		return peer;
	}

	private lost(lane: number, peer: PeerConnection): void {
		if (this.lanes.get(lane) !== peer) return;
		this.lanes.delete(lane);
		peer.close();
		this.events.lost(peer);
	}
}
