/**
 * Percent-decode a URL path or fragment the way a browser reads it: every run
 * of `%XX` escapes is decoded (invalid UTF-8 becomes U+FFFD), and a stray `%`
 * stays as it is. Never throws, so one bad escape cannot hide the `%2e%2e`
 * beside it from a check that the path stays in its folder.
 */
export function decodeUri(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => new TextDecoder().decode(Uint8Array.from(run.slice(1).split('%'), (hex) => Number.parseInt(hex, 16))))
}
