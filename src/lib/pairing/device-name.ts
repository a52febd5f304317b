// A device's default name ("Chrome on Android"), shown on the other device until the user picks one. Pure:
// the caller passes in `navigator`'s platform data; client hints win where present (they tell Chromium,
// Edge or Brave from Chrome), the user agent string fills in the rest. Only names from these tables come out.
import { cleanDeviceName } from '../protocol/remember';

/** What `navigator` says about the browser; `navigator` itself fits. */
export interface PlatformData {
	userAgent: string;
	userAgentData?: {
		brands: readonly { brand: string; version: string }[];
		platform: string;
		/** Absent from some typings of `navigator`; Chromium always sets it. */
		mobile?: boolean;
	} | null;
	/** An iPad's Safari says it is a Mac; a Mac has no touch screen. */
	maxTouchPoints?: number;
}

/** Client hint brands, the more specific first (Edge and Brave also list "Chromium"). */
const BRANDS: readonly [string, string][] = [
	['Microsoft Edge', 'Edge'],
	['Opera', 'Opera'],
	['Samsung Internet', 'Samsung Internet'],
	['Brave', 'Brave'],
	['Google Chrome', 'Chrome'],
	['Chromium', 'Chromium'],
];

/** User agent string tokens, the more specific first: every Chromium says "Chrome/", every iOS one "Safari/". */
const BROWSERS: readonly [RegExp, string][] = [
	[/\b(Edge?|EdgA|EdgiOS)\//, 'Edge'],
	[/\b(OPR|OPiOS|OPT)\//, 'Opera'],
	[/\bSamsungBrowser\//, 'Samsung Internet'],
	[/\b(Firefox|FxiOS)\//, 'Firefox'],
	[/\bChromium\//, 'Chromium'],
	[/\b(Chrome|CriOS)\//, 'Chrome'],
	[/\bVersion\/[\d.]+ .*Safari\//, 'Safari'],
];

const HINT_PLATFORMS: ReadonlyMap<string, string> = new Map([
	['Windows', 'Windows'],
	['macOS', 'macOS'],
	['Linux', 'Linux'],
	['Chrome OS', 'ChromeOS'],
	['Chromium OS', 'ChromeOS'],
]);

const android = (mobile: boolean): string => (mobile ? 'Android' : 'Android tablet');

function platformFromString(userAgent: string, touchPoints: number): string | null {
	if (/\biPhone\b/.test(userAgent)) return 'iPhone';
	if (/\biPad\b/.test(userAgent)) return 'iPad';
	if (/\bAndroid\b/.test(userAgent)) return android(/\bMobile\b/.test(userAgent));
	if (/\bCrOS\b/.test(userAgent)) return 'ChromeOS';
	if (/\bWindows\b/.test(userAgent)) return 'Windows';
	if (/\bMacintosh\b/.test(userAgent)) return touchPoints > 1 ? 'iPad' : 'macOS';
	if (/\b(Linux|X11)\b/.test(userAgent)) return 'Linux';
	return null;
}

export function defaultDeviceName(data: PlatformData): string {
	const hints = data.userAgentData;
	const brands = new Set(hints?.brands.map(({ brand }) => brand));
	const browser =
		BRANDS.find(([brand]) => brands.has(brand))?.[1] ??
		BROWSERS.find(([token]) => token.test(data.userAgent))?.[1] ??
		null;
	const hinted =
		hints?.platform === 'Android'
			? android(hints.mobile !== false)
			: HINT_PLATFORMS.get(hints?.platform ?? '');
	const platform = hinted ?? platformFromString(data.userAgent, data.maxTouchPoints ?? 0);
	if (platform === null) return cleanDeviceName(browser ?? 'Unknown device');
	return cleanDeviceName(`${browser ?? 'Browser'} on ${platform}`);
}
