import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Project } from '../source/project-file.ts'

/**
 * The templates folder of a build: `builtIn` itself, or, when the project
 * names a `templates` folder, a copy of `builtIn`'s files with the project's
 * replacing those of the same name. The copy is named by the hash of its
 * contents (in the system's temporary folder), so builds with the same
 * templates share it, worker threads read it like the built-in folder, and the
 * build fingerprint, which hashes the folder, changes exactly when a template does.
 */
export async function projectTemplatesDir(project: Project, builtIn: string): Promise<string> {
  const own = project.templates
  if (!own || own.files.length === 0) return builtIn
  const builtInFiles = (await readdir(builtIn, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name)
  const sources = new Map(builtInFiles.map((name) => [name, path.join(builtIn, name)]))
  for (const name of own.files) sources.set(name, path.join(own.dir, name))
  const hash = createHash('sha256')
  const names = [...sources.keys()].sort()
  for (const name of names)
    hash
      .update(name)
      .update('\0')
      .update(await readFile(sources.get(name) as string))
      .update('\0')
  const dir = path.join(tmpdir(), `offprint-templates-${hash.digest('hex').slice(0, 24)}`)
  if (existsSync(dir)) return dir + path.sep
  // Made aside and renamed into place: a build running at the same time sees all of it or none.
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`
  await mkdir(staging, { recursive: true })
  for (const name of names) await copyFile(sources.get(name) as string, path.join(staging, name))
  await rename(staging, dir).catch(async (error: NodeJS.ErrnoException) => {
    await rm(staging, { recursive: true, force: true })
    if (!existsSync(dir)) throw error
  })
  return dir + path.sep
}
