// Small JSON-shape checks shared by every wire validator (signaling, DataChannel frames), so each
// protocol rejects unknown fields and wrong types the same way and reports a value instead of throwing.

/** The outcome of a validator: the checked value, or an error the caller can act on. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hasOnlyKeys(value: JsonObject, allowed: readonly string[]): boolean {
	return Object.keys(value).every((key) => allowed.includes(key));
}

export function isOptional(value: unknown, check: (v: unknown) => boolean): boolean {
	return value === undefined || value === null || check(value);
}

export const isString = (v: unknown): v is string => typeof v === 'string';

/** How one field is checked: its checked value, or the reason (in plain words) it is wrong. */
export type Rule<T = unknown> = (value: unknown) => Result<T, string>;

/** The fields a message may carry, each with its rule, in the order they are checked. */
export type Shape = Readonly<Record<string, Rule>>;

/** A rule from a predicate and the reason given when the value fails it (also when it is missing). */
export function rule<T>(check: (v: unknown) => v is T, reason: string): Rule<T>;
export function rule(check: (v: unknown) => boolean, reason: string): Rule;
export function rule(check: (v: unknown) => boolean, reason: string): Rule {
	return (value) => (check(value) ? { ok: true, value } : { ok: false, error: reason });
}

/** A field that may be left out (or null); when present it must pass `inner`. */
export function optional<T>(inner: Rule<T>): Rule<T | null | undefined> {
	return (value) => (value === undefined || value === null ? { ok: true, value } : inner(value));
}

/** A field that must be present, with its own reason for a missing one before `inner` checks the value. */
export function required<T>(inner: Rule<T>, missing: string): Rule<T> {
	return (value) => (value === undefined ? { ok: false, error: missing } : inner(value));
}

/**
 * Checks `value` field by field against `shape` and returns a fresh object holding only those fields (no
 * inherited ones). Unknown fields are refused as `${name} has unknown fields`, or dropped with
 * `unknown: 'ignore'` where the sender may be a newer version (a server talking to a cached app).
 */
export function parseShape(
	value: JsonObject,
	shape: Shape,
	name: string,
	unknown: 'refuse' | 'ignore' = 'refuse',
): Result<JsonObject, string> {
	if (unknown === 'refuse' && !hasOnlyKeys(value, Object.keys(shape))) {
		return { ok: false, error: `${name} has unknown fields` };
	}
	const out: JsonObject = {};
	for (const [key, check] of Object.entries(shape)) {
		const field = Object.hasOwn(value, key) ? value[key] : undefined;
		const checked = check(field);
		if (!checked.ok) return checked;
		if (checked.value !== undefined) out[key] = checked.value;
	}
	return { ok: true, value: out };
}

/** What to say when a tagged message is not an object, or its tag names no known message. */
export interface TaggedReasons {
	notObject: string;
	unknownTag: string;
}

/**
 * Checks a message whose `tag` field (e.g. `type`) picks its shape from `table`: one line per message type.
 * The tag itself is kept in the result; the table is looked up by own keys only (`"__proto__"` is unknown).
 */
export function parseTagged(
	value: unknown,
	tag: string,
	table: Readonly<Record<string, Shape>>,
	reasons: TaggedReasons,
	unknown: 'refuse' | 'ignore' = 'refuse',
): Result<JsonObject, string> {
	if (!isObject(value)) return { ok: false, error: reasons.notObject };
	const kind = Object.hasOwn(value, tag) ? value[tag] : undefined;
	if (!isString(kind) || !Object.hasOwn(table, kind)) return { ok: false, error: reasons.unknownTag };
	const shape: Shape = { [tag]: (v) => ({ ok: true, value: v }), ...table[kind] };
	return parseShape(value, shape, kind, unknown);
}
