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
