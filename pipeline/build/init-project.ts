import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { builtInTemplatesDir } from '../common/project-root.ts'

/** The starting project `offprint init` copies: `templates/init/`. */
export const starterDir = path.join(builtInTemplatesDir, 'init')

/** What `initProject` did: the files it wrote, or those already there (then it wrote nothing). */
export type InitOutcome = { written: string[] } | { existing: string[] }

/**
 * Write a starting project into `folder` (made if missing): every file of
 * `starter` (default `templates/init/`: a sample article with a footnote and
 * a glossary term, `source/glossary.yaml`, an `offprint.yaml` with every field
 * commented, a Makefile). It never overwrites: when any of those files exists,
 * nothing is written. Paths returned are relative to `folder`.
 */
export async function initProject(folder: string, starter: string = starterDir): Promise<InitOutcome> {
  const entries = await readdir(starter, { withFileTypes: true, recursive: true })
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(starter, path.join(entry.parentPath, entry.name)))
    .sort()
  const existing: string[] = []
  for (const file of files) {
    if (
      await lstat(path.join(folder, file)).then(
        () => true,
        () => false,
      )
    )
      existing.push(file)
  }
  if (existing.length > 0) return { existing }
  for (const file of files) {
    const target = path.join(folder, file)
    await mkdir(path.dirname(target), { recursive: true })
    // `wx`: a file made meanwhile is not overwritten either.
    await writeFile(target, await readFile(path.join(starter, file)), { flag: 'wx' })
  }
  return { written: files }
}
