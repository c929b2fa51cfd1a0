import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder of offprint's own `package.json`: found by walking up from this
 * module, so the answer is the same from `pipeline/common/` and from the
 * compiled bundle in `.build/`.
 */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) throw new Error(`Unexpected offprint install without a \`package.json\` above \`${from}\``)
  }
}

export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)))

/** The project's built-in `templates/` folder. */
export const builtInTemplatesDir = path.join(projectRoot, 'templates') + path.sep
