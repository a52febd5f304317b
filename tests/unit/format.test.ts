import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatPercent, formatSpeed } from '../../src/lib/ui/format';

const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const FRENCH = ['o', 'Kio', 'Mio', 'Gio', 'Tio', 'Pio'];

describe('formatBytes: binary units, the number in the locale’s own digits and separators', () => {
	it('English reads as before: 512 B, 1.5 KiB, 64 MiB, 4.0 GiB', () => {
		expect(formatBytes(0, 'en', IEC)).toBe('0 B');
		expect(formatBytes(512, 'en', IEC)).toBe('512 B');
		expect(formatBytes(1536, 'en', IEC)).toBe('1.5 KiB');
		expect(formatBytes(64 * 2 ** 20, 'en', IEC)).toBe('64 MiB');
		expect(formatBytes(4 * 2 ** 30, 'en', IEC)).toBe('4.0 GiB');
		expect(formatBytes(512 * 2 ** 20, 'en', IEC)).toBe('512 MiB');
	});
	it('a value that rounds up to 1024 moves to the next unit', () => {
		expect(formatBytes(1024 * 1024 - 1, 'en', IEC)).toBe('1.0 MiB');
	});
	it('German writes a decimal comma; French its own unit symbols', () => {
		expect(formatBytes(1536, 'de', IEC)).toBe('1,5 KiB');
		expect(formatBytes(1536, 'fr', FRENCH)).toBe('1,5 Kio');
		expect(formatBytes(12_345 * 2 ** 20, 'de', IEC)).toBe('12 GiB');
	});
	it('bytes below 1 KiB are grouped the locale’s way', () => {
		expect(formatBytes(1023, 'en', IEC)).toBe('1,023 B');
		expect(formatBytes(1023, 'de', IEC)).toBe('1.023 B');
	});
	it('nothing, negative or not a number shows as 0', () => {
		expect(formatBytes(Number.NaN, 'en', IEC)).toBe('0 B');
		expect(formatBytes(-5, 'en', IEC)).toBe('0 B');
	});
	it('speed is a size per second', () => {
		expect(formatSpeed(29 * 2 ** 20, 'de', IEC)).toBe('29 MiB/s');
	});
});

describe('formatDuration: time left in the locale’s units', () => {
	it('unknown is a dash', () => {
		expect(formatDuration(null, 'en')).toBe('—');
		expect(formatDuration(Number.POSITIVE_INFINITY, 'en')).toBe('—');
	});
	it('seconds, then minutes and seconds, then hours and minutes; seconds round up', () => {
		expect(formatDuration(11.2, 'en')).toBe('12 sec');
		expect(formatDuration(125, 'en')).toBe('2 min 5 sec');
		expect(formatDuration(3725, 'en')).toBe('1 hr 2 min');
	});
	it('in German and Japanese words', () => {
		expect(formatDuration(125, 'de')).toBe('2 Min., 5 Sek.');
		expect(formatDuration(125, 'ja')).toMatch(/^2\s?分\s?5\s?秒$/);
		expect(formatDuration(3725, 'zh-Hans')).toBe('1小时2分钟');
	});
});

describe('formatPercent', () => {
	it('follows the locale', () => {
		expect(formatPercent(42.4, 'en')).toBe('42%');
		expect(formatPercent(42.4, 'de')).toBe('42\u00a0%');
		expect(formatPercent(100, 'fr')).toBe('100\u00a0%');
	});
});
