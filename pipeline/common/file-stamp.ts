/**
 * What tells, without reading a file, that it is the one read before: its
 * size, modification time and inode, as Git's index does. A file modified
 * within `racyMs` may change again within its mtime's precision, so what was
 * read from it is not kept (`settled`).
 */
export interface FileStamp {
  size: number
  mtimeMs: number
  ino: number
}

/** Two edits within the mtime's precision look like none: files this recent are read again each time. */
const racyMs = 2000

/** Whether `now` and `then` stamp the same file contents (size, mtime and inode alike). */
export function sameStamp(now: FileStamp, then: FileStamp): boolean {
  return now.size === then.size && now.mtimeMs === then.mtimeMs && now.ino === then.ino
}

/** Whether a file stamped `stamp` was last modified long enough ago for what was read from it to be kept. */
export function settled(stamp: FileStamp, at = Date.now()): boolean {
  return at - stamp.mtimeMs > racyMs
}
