import path from 'node:path'

/** Folder of a source: the only place its local resources may come from. */
export function sourceDirOf(sourcePath: string): string {
  return path.dirname(path.resolve(sourcePath))
}
