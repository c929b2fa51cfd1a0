import { existsSync } from 'node:fs'
import path from 'node:path'

/** The project file's name, looked for in the working folder. */
const projectFileName = 'offprint.yaml'

/**
 * The project file to use: `explicit` (`--config`), else `offprint.yaml` in
 * `cwd` when it exists, else none.
 */
export function projectFilePath(explicit: string | undefined, cwd: string = process.cwd()): string | undefined {
  if (explicit !== undefined) return path.resolve(cwd, explicit)
  const found = path.join(cwd, projectFileName)
  return existsSync(found) ? found : undefined
}
