// Which client a session creation counts against. An IPv6 subscriber is handed a whole /64 and may use
// any of its 2^64 addresses, so keying by the full address would let one client dodge the limit for ever.

/** `ip6:<first four groups>::/64` for an IPv6 address, `ip:<address>` otherwise, `unknown` when absent. */
export function clientKey(address: string | null): string {
	if (!address) return 'unknown';
	const halves = address.toLowerCase().split('::');
	if (!address.includes(':') || halves.length > 2) return `ip:${address}`;
	const head = halves[0] ? halves[0].split(':') : [];
	const tail = halves[1] ? halves[1].split(':') : [];
	const zeros = Array<string>(Math.max(0, 8 - head.length - tail.length)).fill('0');
	const prefix = [...head, ...zeros, ...tail].slice(0, 4).map((group) => parseInt(group, 16));
	if (prefix.some(Number.isNaN)) return `ip:${address}`;
	return `ip6:${prefix.map((group) => group.toString(16)).join(':')}::/64`;
}
