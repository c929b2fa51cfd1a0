import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { brandFiles, brandFolder } from '../editions/brand.ts'
import type { Brand } from '../source/project-assets.ts'
import { writeFileAtomic } from './write-atomic.ts'

/**
 * Copy the brand's files (logo, fonts) into `out/theme_assets/`, each only
 * when its bytes changed, and remove what the brand no longer names. The HTML
 * editions and the front page refer to them there.
 */
export async function copyBrand(out: string, brand: Brand | undefined): Promise<void> {
  const folder = path.join(out, brandFolder)
  const files = brandFiles(brand)
  const names = new Set(files.map((file) => file.name))
  for (const old of await readdir(folder).catch(() => [] as string[])) if (!names.has(old)) await rm(path.join(folder, old), { force: true, recursive: true })
  if (files.length === 0) {
    await rm(folder, { force: true, recursive: true })
    return
  }
  await mkdir(folder, { recursive: true })
  for (const file of files) {
    const data = await readFile(file.path)
    const there = await readFile(path.join(folder, file.name)).catch(() => undefined)
    if (!there?.equals(data)) await writeFileAtomic(path.join(folder, file.name), data)
  }
}
