// Parameters that ask the app to do something once (start a session, open a share) are taken out of the
// address bar as they are read, so a reload or a bookmark does not do it again.

/** Reads query parameter `name` and removes it (only it) from the address bar and this history entry. */
export function takeSearchParam(name: string): string | null {
	const url = new URL(location.href);
	const value = url.searchParams.get(name);
	if (value === null) return null;
	url.searchParams.delete(name);
	history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
	return value;
}
