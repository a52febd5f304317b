// Default device names from the user agent strings (and client hints) that current browsers really send.
import { describe, expect, it } from 'vitest';
import { defaultDeviceName } from '../../src/lib/pairing/device-name';
import { MAX_DEVICE_NAME_CHARS, isDeviceName } from '../../src/lib/protocol/remember';

const UA = {
	chromeAndroid:
		'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36',
	chromeAndroidTablet:
		'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
	chromeWindows:
		'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
	chromeMac:
		'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
	chromeLinux:
		'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
	chromeOS:
		'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
	chromeIPhone:
		'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/142.0.7444.77 Mobile/15E148 Safari/604.1',
	chromeIPad:
		'Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/142.0.7444.77 Mobile/15E148 Safari/604.1',
	edgeWindows:
		'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0',
	edgeAndroid:
		'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36 EdgA/142.0.0.0',
	edgeIPhone:
		'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 EdgiOS/142.3595.63 Mobile/15E148 Safari/605.1.15',
	operaWindows:
		'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 OPR/124.0.0.0',
	samsung:
		'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/29.0 Chrome/136.0.0.0 Mobile Safari/537.36',
	firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0',
	firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
	firefoxMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:145.0) Gecko/20100101 Firefox/145.0',
	firefoxAndroid: 'Mozilla/5.0 (Android 15; Mobile; rv:145.0) Gecko/145.0 Firefox/145.0',
	firefoxIPhone:
		'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/145.0 Mobile/15E148 Safari/605.1.15',
	safariIPhone:
		'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1',
	safariMac:
		'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Safari/605.1.15',
};

const brands = (...names: string[]) => [
	{ brand: 'Not_A Brand', version: '99' },
	...names.map((brand) => ({ brand, version: '142' })),
];

describe('defaultDeviceName', () => {
	it('names the browser and the platform from the user agent string', () => {
		const expected: [string, string][] = [
			[UA.chromeAndroid, 'Chrome on Android'],
			[UA.chromeAndroidTablet, 'Chrome on Android tablet'],
			[UA.chromeWindows, 'Chrome on Windows'],
			[UA.chromeMac, 'Chrome on macOS'],
			[UA.chromeLinux, 'Chrome on Linux'],
			[UA.chromeOS, 'Chrome on ChromeOS'],
			[UA.chromeIPhone, 'Chrome on iPhone'],
			[UA.chromeIPad, 'Chrome on iPad'],
			[UA.edgeWindows, 'Edge on Windows'],
			[UA.edgeAndroid, 'Edge on Android'],
			[UA.edgeIPhone, 'Edge on iPhone'],
			[UA.operaWindows, 'Opera on Windows'],
			[UA.samsung, 'Samsung Internet on Android'],
			[UA.firefoxWindows, 'Firefox on Windows'],
			[UA.firefoxLinux, 'Firefox on Linux'],
			[UA.firefoxMac, 'Firefox on macOS'],
			[UA.firefoxAndroid, 'Firefox on Android'],
			[UA.firefoxIPhone, 'Firefox on iPhone'],
			[UA.safariIPhone, 'Safari on iPhone'],
			[UA.safariMac, 'Safari on macOS'],
		];
		for (const [userAgent, name] of expected) expect(defaultDeviceName({ userAgent }), userAgent).toBe(name);
	});

	it('tells an iPad, which says it is a Mac, by its touch points', () => {
		expect(defaultDeviceName({ userAgent: UA.safariMac, maxTouchPoints: 5 })).toBe('Safari on iPad');
		expect(defaultDeviceName({ userAgent: UA.safariMac, maxTouchPoints: 0 })).toBe('Safari on macOS');
	});

	it('prefers client hints, which tell Chromium, Edge and Brave from Chrome', () => {
		const hints = (names: string[], platform: string, mobile = false) => ({
			userAgent: UA.chromeLinux,
			userAgentData: { brands: brands(...names), platform, mobile },
		});
		expect(defaultDeviceName(hints(['Chromium'], 'Linux'))).toBe('Chromium on Linux');
		expect(defaultDeviceName(hints(['Chromium', 'Google Chrome'], 'Windows'))).toBe('Chrome on Windows');
		expect(defaultDeviceName(hints(['Chromium', 'Microsoft Edge'], 'Windows'))).toBe('Edge on Windows');
		expect(defaultDeviceName(hints(['Chromium', 'Brave'], 'macOS'))).toBe('Brave on macOS');
		expect(defaultDeviceName(hints(['Chromium', 'Google Chrome'], 'Android', true))).toBe(
			'Chrome on Android',
		);
		expect(defaultDeviceName(hints(['Chromium', 'Google Chrome'], 'Android'))).toBe(
			'Chrome on Android tablet',
		);
		expect(defaultDeviceName(hints(['Chromium', 'Google Chrome'], 'Chrome OS'))).toBe('Chrome on ChromeOS');
	});

	it('falls back to the user agent string for what the hints leave unknown', () => {
		const userAgentData = { brands: brands(), platform: '', mobile: false };
		expect(defaultDeviceName({ userAgent: UA.edgeWindows, userAgentData })).toBe('Edge on Windows');
		expect(
			defaultDeviceName({
				userAgent: UA.firefoxAndroid,
				userAgentData: { brands: brands('Chromium'), platform: 'Unknown', mobile: true },
			}),
		).toBe('Chromium on Android');
	});

	it('has a fallback for what it cannot tell, and every name is a valid, bounded device name', () => {
		expect(defaultDeviceName({ userAgent: '' })).toBe('Unknown device');
		expect(defaultDeviceName({ userAgent: 'curl/8.11.1' })).toBe('Unknown device');
		const inherited = { brands: brands('toString'), platform: 'constructor', mobile: false };
		expect(defaultDeviceName({ userAgent: '', userAgentData: inherited })).toBe('Unknown device');
		expect(defaultDeviceName({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Foo/1' })).toBe(
			'Browser on Linux',
		);
		expect(defaultDeviceName({ userAgent: 'Mozilla/5.0 Gecko/20100101 Firefox/145.0' })).toBe('Firefox');
		const hostile = {
			brands: [{ brand: `Evil\u202E${'x'.repeat(500)}`, version: '1' }],
			platform: 'y'.repeat(500),
			mobile: false,
		};
		const names = [
			...Object.values(UA).map((userAgent) => defaultDeviceName({ userAgent })),
			defaultDeviceName({ userAgent: 'x'.repeat(100_000), userAgentData: hostile }),
		];
		for (const name of names) {
			expect(isDeviceName(name), name).toBe(true);
			expect([...name].length).toBeLessThanOrEqual(MAX_DEVICE_NAME_CHARS);
		}
	});
});
