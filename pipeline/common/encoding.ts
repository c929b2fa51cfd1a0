/**
 * Decode bytes as UTF-8 without silently replacing anything: returns the text,
 * or the character offset of the first byte sequence that is not UTF-8.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { invalidAt: number } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) }
  } catch {
    const byteOffset = firstInvalidByte(bytes)
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, byteOffset))
    return { invalidAt: prefix.length }
  }
}

/** Byte offset of the first malformed UTF-8 sequence (or `bytes.length`). */
function firstInvalidByte(bytes: Uint8Array): number {
  let index = 0
  while (index < bytes.length) {
    const lead = bytes[index] ?? 0
    const size = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0
    if (size === 0) return index
    for (let next = 1; next < size; next++) {
      const byte = bytes[index + next]
      if (byte === undefined || (byte & 0xc0) !== 0x80) return index
    }
    // Overlong forms and surrogates are malformed too.
    const second = bytes[index + 1] ?? 0
    if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f) || (lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)) return index
    index += size
  }
  return index
}
