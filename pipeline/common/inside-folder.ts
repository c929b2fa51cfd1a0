import path from 'node:path'

/**
 * Whether `file` lies inside `folder` (strictly below it), both real paths
 * (symbolic links already followed): the one check behind every "only files
 * inside the source folder, or the project" rule. A prefix alone would let
 * `/a/bc` pass for the folder `/a/b`.
 */
export function isInsideFolder(file: string, folder: string): boolean {
  return file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep)
}
