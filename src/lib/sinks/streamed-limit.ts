/**
 * The most an offer may hold to be streamed to one download. Firefox ESR 153 held what it streamed in memory
 * until the download ended: a 4,116 MiB folder as one ZIP peaked at 4,901 MiB of browser memory (PSS), against
 * 634 MiB staging 4 GiB in OPFS (`npm run bench -- --only=zip`). Larger offers are staged, so memory stays flat.
 */
export const MAX_STREAMED_BYTES = 256 * 2 ** 20;
