import { crc32, deflateRawSync } from 'node:zlib'

/** One entry of a zip archive. */
export interface ZipEntry {
  /** Its path in the archive, ASCII, with `/` between folders; a folder's ends with `/`. */
  name: string
  data: Uint8Array
  /** Written as it is (method 0), not deflated: `mimetype`, and data compressed already. */
  store: boolean
}

/**
 * A zip archive of `entries`, in their order, each dated `date` (UTC, to the
 * even second, as the DOS format keeps it): DEFLATE by zlib at level 9 or
 * stored, sizes and CRCs in the local headers, no extra fields, no data
 * descriptors, which is what EPUB's Open Container Format asks of its first
 * entry. Written by zlib instead of JSZip's JavaScript CRC and DEFLATE, whose
 * timer-driven stream took 100–150 ms of a fresh worker for the article's
 * EPUB (measured in a CPU profile).
 */
export function zipArchive(entries: readonly ZipEntry[], date: Date): Uint8Array {
  const time = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2)
  const day = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate()
  const parts: Uint8Array[] = []
  const central: Uint8Array[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'latin1')
    const folder = entry.name.endsWith('/')
    const method = entry.store || folder ? 0 : 8
    const data = method === 8 ? deflateRawSync(entry.data, { level: 9 }) : entry.data
    const crc = crc32(entry.data)
    // The fields a local header and a central directory entry share, from "version needed" to the name's length.
    const common = Buffer.alloc(26)
    common.writeUInt16LE(20, 0) // version needed: 2.0
    common.writeUInt16LE(0, 2) // flags
    common.writeUInt16LE(method, 4)
    common.writeUInt16LE(time, 6)
    common.writeUInt16LE(day, 8)
    common.writeUInt32LE(crc, 10)
    common.writeUInt32LE(data.length, 14)
    common.writeUInt32LE(entry.data.length, 18)
    common.writeUInt16LE(name.length, 22)
    common.writeUInt16LE(0, 24) // extra field length
    const local = Buffer.alloc(4)
    local.writeUInt32LE(0x04034b50, 0)
    parts.push(local, common, name, data)
    const head = Buffer.alloc(6)
    head.writeUInt32LE(0x02014b50, 0)
    head.writeUInt16LE(20, 4) // version made by: MS-DOS, 2.0
    const tail = Buffer.alloc(10)
    tail.writeUInt16LE(0, 0) // comment length
    tail.writeUInt16LE(0, 2) // disk number
    tail.writeUInt16LE(0, 4) // internal attributes
    tail.writeUInt32LE(folder ? 0x10 : 0, 6) // external attributes: MS-DOS directory bit
    const at = Buffer.alloc(4)
    at.writeUInt32LE(offset, 0)
    central.push(head, common, tail, at, name)
    offset += local.length + common.length + name.length + data.length
  }
  const directory = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...parts, directory, end])
}
