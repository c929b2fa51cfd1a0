/** The code cache of `bundle`, named by V8's version. */
export function codeCachePath(bundle: string): string
/** Run the CommonJS bundle at `url` with its code cache when there is one; says what became of the cache. */
export function runBundle(url: URL, env?: NodeJS.ProcessEnv): 'used' | 'refused' | 'none'
/** `code` in ASCII: every other character as a `\u` escape. */
export function escapeNonAscii(code: string): string
/** The V8 flags the bundle runs under (TurboFan's later tier-up), set by `runBundle` in the main thread. */
export const tieringFlags: string
/** How the bundle step wraps each bundle (as Node wraps a CommonJS module): `runBundle` compiles such a bundle as read. */
export const bundleWrapper: { readonly head: string; readonly tail: string }
