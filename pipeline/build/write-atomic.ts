import { renameSync } from 'node:fs'
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { EditionFile } from '../editions/edition.ts'
import { onExitSignal } from '../common/exit-signals.ts'

/**
 * Replace the folder `target` with `files` as one step: everything is
 * written into a temporary sibling first, then swapped in by rename, so a
 * failure or an interruption leaves the previous folder whole. `keep` names
 * files of the previous folder to carry over when present.
 */
export async function replaceFolder(target: string, files: readonly EditionFile[], keep: readonly string[] = []): Promise<void> {
  const parent = path.dirname(target)
  const staging = path.join(parent, `.${path.basename(target)}.tmp-${process.pid}`)
  const retired = path.join(parent, `.${path.basename(target)}.old-${process.pid}`)
  await rm(staging, { recursive: true, force: true })
  for (const file of files) {
    const destination = path.join(staging, file.path)
    if (!destination.startsWith(staging + path.sep)) throw new Error(`Unexpected output path \`${file.path}\` outside the edition folder`)
    await mkdir(path.dirname(destination), { recursive: true })
    await writeFile(destination, file.data)
  }
  // Files of editions not rebuilt this time are carried over from the previous folder.
  for (const name of keep) {
    await copyFile(path.join(target, name), path.join(staging, name)).catch(() => undefined)
  }
  await rm(retired, { recursive: true, force: true })
  // Both renames in one synchronous step: no signal handler, and so no exit
  // under `holdSignals`, can come between them. A SIGKILL there leaves the old
  // folder as `retired`, which the next build's `readOutput` puts back.
  try {
    renameSync(target, retired)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  renameSync(staging, target)
  await rm(retired, { recursive: true, force: true })
}

/**
 * Make SIGINT, SIGTERM and SIGHUP end the process only between two steps of
 * JavaScript, never inside a folder swap, until the returned function is
 * called. The default action (exit) is kept (`onExitSignal`).
 */
export function holdSignals(): () => void {
  return onExitSignal(() => undefined)
}

/** Write one file by a temporary name and a rename. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true })
  const temporary = `${target}.tmp-${process.pid}`
  await writeFile(temporary, data)
  await rename(temporary, target)
}
