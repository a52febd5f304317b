// The DataChannel messages by which two paired devices agree to remember each other (and later forget): one
// table in the form of frames.ts's control messages, so its control parser takes them in with one spread.
// A device name is shown on the other screen, so the receiver accepts only a name already cleaned.
import { withoutFormat } from './paths';
import { isString, rule, type Shape } from './validate';

/** The longest device name, in code points: it is shown in a sentence ("Laptop wants to remember…"). */
export const MAX_DEVICE_NAME_CHARS = 40;

export type RememberMessage =
	| { t: 'remember-request'; name: string; nonce: string }
	| { t: 'remember-accept'; name: string; nonce: string }
	| { t: 'remember-decline' }
	| { t: 'forget' };

/** Control and lone surrogate characters, except whitespace (which becomes one space). */
const INVISIBLE = /(?!\s)[\p{Cc}\p{Cs}]/gu;

/**
 * A device name as it may be shown and sent: NFC, no control, lone surrogate or invisible format character
 * (a zero-width joiner inside an emoji stays), each run of whitespace one space, none at either end, at
 * most MAX_DEVICE_NAME_CHARS code points. May be empty: the caller then keeps its default name.
 */
export function cleanDeviceName(name: string): string {
	const visible = withoutFormat(name.normalize('NFC')).replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
	const cut = [...visible].slice(0, MAX_DEVICE_NAME_CHARS).join('');
	return cut === visible ? visible : withoutFormat(cut).trimEnd();
}

/**
 * 32 bytes (a nonce, a pairing secret) in standard base64, canonical: 43 characters whose last holds two
 * zero bits, then "=".
 */
export const isBase64Of32Bytes = (v: unknown): v is string =>
	isString(v) && /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/.test(v);

/** A device name as cleanDeviceName leaves it, not empty. */
export const isDeviceName = (v: unknown): v is string => isString(v) && v !== '' && cleanDeviceName(v) === v;

const name = rule(
	isDeviceName,
	`name must be 1 to ${MAX_DEVICE_NAME_CHARS} characters with no control or invisible formatting character, no space at either end or two in a row`,
);
const nonce = rule(isBase64Of32Bytes, 'nonce must be the base64 of 32 bytes');

/**
 * Every remember message, one line each. `remember-request` and `remember-accept` carry the sender's name
 * and nonce; `remember-decline` answers a request with no; `forget` says the sender forgot the pairing.
 */
export const REMEMBER_MESSAGES: Record<RememberMessage['t'], Shape> = {
	'remember-request': { name, nonce },
	'remember-accept': { name, nonce },
	'remember-decline': {},
	forget: {},
};
