import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project's root folder. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url))

/** `../shared/` beside the project: the seed and the corpus. */
export const sharedDir = path.resolve(projectRoot, '..', 'shared')

/** The article, our first source. */
export const articlePath = path.join(projectRoot, 'source', 'tokayev-almaty-visit-2022.md')

/** The seed text the article was made from. */
export const seedPath = path.join(sharedDir, 'seed', readdirSync(path.join(sharedDir, 'seed')).find((name) => name.endsWith('.txt')) ?? 'missing.txt')

/** The five corpus documents, by folder name. */
export const corpus: Record<string, string> = {
  dagoba: path.join(sharedDir, 'corpus', '01-footnotes-aosa-dagoba', 'dagoba.md'),
  sample: path.join(sharedDir, 'corpus', '02-kitchen-sink-markdown-it', 'sample.md'),
  aqyndar: path.join(sharedDir, 'corpus', '05-kk-aqyndar', 'README.md'),
  'art-of-command-line': path.join(sharedDir, 'corpus', '07-ru-art-of-command-line', 'README-ru.md'),
  'commonmark-spec': path.join(sharedDir, 'corpus', '11-large-commonmark-spec', 'spec.md'),
}
