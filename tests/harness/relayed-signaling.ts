// Routes two pages' WebRTC traffic through a UDP relay by rewriting the ICE candidates the signaling carries:
// the SDP authentication covers only DTLS fingerprints, so the app itself stays as it ships.
import type { Role } from '../../src/lib/protocol/signaling';
import { startSignalingProxy } from './tamper-proxy.ts';
import type { RelayFlow, Side } from './udp-relay.ts';

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
	description?: { sdp: string };
	candidate?: { candidate: string } | null;
}

/**
 * A signaling proxy in front of `upstream` that rewrites each peer's candidates (trickled and in SDP) to
 * point at `relay`: pages opened at its `url` send all their WebRTC datagrams through the relay.
 */
export function startRelayedSignaling(upstream: string, relay: RelayFlow) {
	return startSignalingProxy(upstream, () => {
		let role: Role | undefined;
		return (frame) => {
			if (frame.type === 'joined') role = frame.role as Role;
			if (frame.type !== 'signal' || !role) return frame;
			// This page receives the signal, so it came from the other role.
			const from = OTHER[SIDE[role]];
			const data = frame.data as Signal;
			if (data.description) data.description.sdp = relaySdp(data.description.sdp, from, relay);
			if (data.candidate) {
				const relayed = relayCandidate(data.candidate.candidate, from, relay);
				if (!relayed) return null;
				data.candidate.candidate = relayed;
			}
			return frame;
		};
	});
}
