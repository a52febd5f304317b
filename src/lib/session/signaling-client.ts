// The app's side of the signaling socket: join with the token in the first frame, validate every server
// frame with the shared validators, and reconnect with backoff when the socket drops for network reasons.
// The seat secret from `joined` lives only in memory and goes with every rejoin: it is what lets this device,
// and nobody else with the link, take its seat back after a drop.
import { localError, type UserError } from '../errors';
import { CloseCode, parseServerMessage, type ServerMessage, type SignalData } from '../protocol/signaling';

export interface SignalingEvents {
	message(message: ServerMessage): void;
	/** The socket is down; `retrying` tells whether the client will try again by itself; `code` is its close code. */
	down(error: UserError, retrying: boolean, code?: number): void;
}

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

const lost = (): UserError =>
	localError(
		(m) => m.signal_lost(),
		(m) => m.signal_lost_hint(),
	);

/** Close codes after which retrying cannot help, with what to tell the user. */
export function closeReason(code: number, reason: string): { error: UserError; final: boolean } {
	switch (code) {
		case CloseCode.wrongToken:
			return {
				error: localError(
					(m) => m.signal_invalid_link(),
					(m) => m.signal_invalid_link_hint(),
				),
				final: true,
			};
		case CloseCode.noSession:
			return {
				error: localError(
					(m) => m.signal_ended(),
					(m) => m.signal_ended_hint(),
				),
				final: true,
			};
		case CloseCode.replaced:
			// Only a socket with our seat secret replaces ours: one of our own, in a reconnect race.
			return { error: lost(), final: false };
		case CloseCode.forgotten:
			return {
				error: localError(
					(m) => m.signal_forgotten(),
					(m) => m.signal_forgotten_hint(),
				),
				final: true,
			};
		case CloseCode.full:
			return {
				error: localError(
					(m) => m.signal_full(),
					(m) => m.signal_full_hint(),
				),
				final: true,
			};
		case CloseCode.rateLimited:
		case CloseCode.malformed:
		case CloseCode.tooLarge:
			return {
				error: localError(
					(m) => m.signal_refused({ reason }),
					(m) => m.signal_reload_hint(),
				),
				final: true,
			};
		default:
			return { error: lost(), final: false };
	}
}

export class SignalingClient {
	private ws: WebSocket | null = null;
	private attempt = 0;
	private stopped = false;
	private retryTimer: ReturnType<typeof setTimeout> | undefined;
	/** This device's seat secret, from the last `joined`; never stored anywhere else. */
	private seat: string | undefined;

	/** `socketPath`: the room's socket on `origin` (a session's or a remembered pairing's). */
	constructor(
		private readonly socketPath: string,
		private readonly token: string,
		private readonly events: SignalingEvents,
		private readonly origin = location.origin,
	) {}

	connect(): void {
		this.stopped = false;
		const url = `${this.origin.replace(/^http/, 'ws')}${this.socketPath}`;
		const ws = new WebSocket(url);
		this.ws = ws;
		ws.addEventListener('open', () => {
			// A socket replaced before it opened must not join: it would take the seat from its successor.
			if (this.ws !== ws) return ws.close(4000, 'Replaced by a newer connection');
			const seat = this.seat === undefined ? {} : { seat: this.seat };
			ws.send(JSON.stringify({ type: 'join', token: this.token, ...seat }));
		});
		ws.addEventListener('message', (event) => {
			if (this.ws !== ws) return;
			if (typeof event.data !== 'string') return this.protocolFailure('binary frame');
			const parsed = parseServerMessage(event.data);
			if (!parsed.ok) return this.protocolFailure(parsed.error.reason);
			if (parsed.value.type === 'joined') {
				this.attempt = 0;
				this.seat = parsed.value.seat;
			}
			this.events.message(parsed.value);
		});
		ws.addEventListener('close', (event) => {
			if (this.ws !== ws || this.stopped) return;
			this.ws = null;
			const { error, final } = closeReason(event.code, event.reason);
			const retrying = !final && this.attempt < RETRY_DELAYS_MS.length;
			this.events.down(
				retrying
					? error
					: final
						? error
						: localError(
								() => error.message,
								(m) => m.signal_lost_final_hint(),
							),
				retrying,
				event.code,
			);
			if (retrying) this.retryTimer = setTimeout(() => this.connect(), RETRY_DELAYS_MS[this.attempt++]);
		});
	}

	/**
	 * Reconnects now (e.g. when the browser reports it is online again). Once seated it does so even if the
	 * socket still looks open: after a network switch it may be half-open for minutes, and the new socket
	 * takes the seat back while the server closes the stale one.
	 */
	retryNow(): void {
		if (this.stopped || (this.ws && this.seat === undefined)) return;
		clearTimeout(this.retryTimer);
		this.attempt = 0;
		// Not 1000: a clean close would tell the server this device left for good and free its seat.
		this.ws?.close(4000, 'Replaced by a newer connection');
		this.connect();
	}

	send(data: SignalData): boolean {
		if (this.ws?.readyState !== WebSocket.OPEN) return false;
		this.ws.send(JSON.stringify({ type: 'signal', data }));
		return true;
	}

	close(): void {
		this.stopped = true;
		clearTimeout(this.retryTimer);
		this.ws?.close(1000, 'bye');
		this.ws = null;
	}

	private protocolFailure(reason: string): void {
		this.events.down(
			localError(
				(m) => m.signal_unexpected({ reason }),
				(m) => m.signal_reload_hint(),
			),
			false,
		);
		this.close();
	}
}
