// Routes two pages' WebRTC traffic through a UDP relay by rewriting the ICE candidates the signaling carries:
// the SDP authentication covers only DTLS fingerprints, so the app itself stays as it ships.
import type { Role } from '../../src/lib/protocol/signaling';
import { startSignalingProxy } from './tamper-proxy.ts';
import type { RelayFlow, Side, UdpRelay } from './udp-relay.ts';

/** Lanes the app may open (MAX_LANES; written out, as the benchmark runs in plain Node; a unit test holds them equal). */
export const APP_LANES = 4;

/** The host (who shows the code) is the relay's side `a`, the guest side `b`. */
const SIDE: Record<Role, Side> = { host: 'a', guest: 'b' };
const OTHER: Record<Side, Side> = { a: 'b', b: 'a' };

/**
 * A candidate of peer `from` as the other peer must see it: the relay's port facing that peer, and the
 * relay told where `from` really listens. Only UDP over IPv4 can cross the relay; any other candidate
 * (TCP, IPv6, an mDNS name) is dropped (`null`), or the peers could find a way around it.
 */
export function relayCandidate(candidate: string, from: Side, relay: RelayFlow): string | null {
	// candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
	const fields = candidate.split(' ');
	const [, , transport, , address, port] = fields;
	if (transport?.toLowerCase() !== 'udp' || !/^\d+\.\d+\.\d+\.\d+$/.test(address ?? '')) return null;
	relay.connect(from, Number(port), address);
	fields[4] = '127.0.0.1';
	fields[5] = String(relay.port(OTHER[from]));
	return fields.join(' ');
}

/** The same for the candidates an SDP carries (`a=candidate:` lines); everything else stays as it is. */
export function relaySdp(sdp: string, from: Side, relay: RelayFlow): string {
	return sdp
		.split('\r\n')
		.flatMap((line) => {
			if (!line.startsWith('a=candidate:')) return [line];
			const relayed = relayCandidate(line.slice(2), from, relay);
			return relayed ? [`a=${relayed}`] : [];
		})
		.join('\r\n');
}

interface Signal {
	kind: 'description' | 'candidate';
	lane?: number;
	description?: { sdp: string };
	candidate?: { candidate: string } | null;
}

/**
 * A signaling proxy in front of `upstream` that rewrites each peer's candidates (trickled and in SDP) to
 * point at `relay`: pages opened at its `url` send all their WebRTC datagrams through the relay, each lane
 * (peer connection) on a flow of its own through the relay's one bottleneck.
 */
export async function startRelayedSignaling(upstream: string, relay: UdpRelay) {
	const flows: RelayFlow[] = [relay];
	while (flows.length < APP_LANES) flows.push(await relay.flow());
	return startSignalingProxy(upstream, () => {
		let role: Role | undefined;
		return (frame) => {
			if (frame.type === 'joined') role = frame.role as Role;
			if (frame.type !== 'signal' || !role) return frame;
			// This page receives the signal, so it came from the other role.
			const from = OTHER[SIDE[role]];
			const data = frame.data as Signal;
			const flow = flows[data.lane ?? 0];
			if (data.description) data.description.sdp = relaySdp(data.description.sdp, from, flow);
			if (data.candidate) {
				const relayed = relayCandidate(data.candidate.candidate, from, flow);
				if (!relayed) return null;
				data.candidate.candidate = relayed;
			}
			return frame;
		};
	});
}
