import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs'
import path from 'node:path'

/** One folder to watch, and which of its changes matter. */
export interface WatchTarget {
  folder: string
  /** Watch its sub-folders too, including ones made later. */
  recursive: boolean
  /** Whether a change to this file matters; default every file. */
  accept?: (file: string) => boolean
}

export interface WatchOptions {
  targets: readonly WatchTarget[]
  /** Folders whose changes never matter (the output folder). */
  ignore: readonly string[]
  /** Quiet time after the last change before `onChange`, in milliseconds. */
  delay: number
  /** Called once per burst of changes with the files changed (temporary files left out). */
  onChange: (files: string[]) => void
  /** A folder could not be watched. */
  onError: (folder: string, error: Error) => void
}

/** Names editors and tools write beside a file while saving it, and folders never searched for sources. */
const scratch = /^(\..*|.*~|#.*#|4913|node_modules|.*\.(swp|swx|swo|tmp|crdownload))$/i

/**
 * Watch folders and report bursts of changes, debounced: an editor's save is
 * often several events. Each folder gets its own non-recursive `fs.watch`:
 * Node 20's recursive mode on Linux loses a file once an editor (or `sed -i`)
 * has replaced it by a rename, and then misses every later save.
 */
export function watchFolders(options: WatchOptions): { close: () => void } {
  const changed = new Set<string>()
  const watchers = new Map<string, FSWatcher>()
  const ignored = options.ignore.map((folder) => path.resolve(folder))
  const isIgnored = (file: string): boolean => ignored.some((folder) => file === folder || file.startsWith(folder + path.sep))
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const flush = (): void => {
    timer = undefined
    // A file gone by now was a temporary one (`sed -i`, atomic saves), unless it was a source removed.
    const files = [...changed].filter((file) => existsSync(file) || /\.(md|markdown|ya?ml)$/i.test(file)).sort()
    changed.clear()
    if (files.length > 0 && !closed) options.onChange(files)
  }

  const onEvent = (target: WatchTarget, folder: string, name: string | null): void => {
    if (closed) return
    const file = name ? path.join(folder, name) : folder
    if (name && scratch.test(path.basename(name))) return
    if (isIgnored(file)) return
    // A folder made (or moved in) under a recursive target is watched from now on.
    if (target.recursive && name) {
      if (isFolder(file)) add(target, file)
      else if (watchers.has(file)) drop(file)
    }
    if (target.accept && !target.accept(file)) return
    changed.add(file)
    clearTimeout(timer)
    timer = setTimeout(flush, options.delay)
  }

  const add = (target: WatchTarget, folder: string): void => {
    if (watchers.has(folder) || isIgnored(folder)) return
    try {
      const watcher = watch(folder, (_event, name) => onEvent(target, folder, name))
      // The folder was removed: its parent's watcher reports that as a change.
      watcher.on('error', () => drop(folder))
      watchers.set(folder, watcher)
    } catch (error) {
      if (folder === target.folder) options.onError(folder, error as Error)
      return
    }
    if (!target.recursive) return
    let entries: string[] = []
    try {
      entries = readdirSync(folder, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !scratch.test(entry.name))
        .map((entry) => path.join(folder, entry.name))
    } catch {
      // Gone meanwhile.
    }
    for (const child of entries) add(target, child)
  }

  /** A folder removed: forget its watcher and its sub-folders' (a new folder of that name gets new ones). */
  const drop = (folder: string): void => {
    for (const [watched, watcher] of watchers) {
      if (watched !== folder && !watched.startsWith(folder + path.sep)) continue
      watcher.close()
      watchers.delete(watched)
    }
  }

  for (const target of options.targets) add(target, path.resolve(target.folder))
  return {
    close() {
      closed = true
      clearTimeout(timer)
      for (const watcher of watchers.values()) watcher.close()
      watchers.clear()
    },
  }
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory()
  } catch {
    return false
  }
}
