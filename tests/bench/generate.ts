import { chmod, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

/** One document the generated articles are copies of. */
interface Template {
  name: string
  /** The Markdown file. */
  file: string
  /** Files and folders beside it that it links to (its local images), copied along. */
  alongside: string[]
  /** Language for documents without front matter. */
  lang: string
}

/** The article and the five corpus documents, in the order the copies cycle through them. */
export function templates(projectRoot: string, sharedDir: string): Template[] {
  const corpus = (folder: string, file: string): string => path.join(sharedDir, 'corpus', folder, file)
  return [
    { name: 'tokayev', file: path.join(projectRoot, 'source', 'tokayev-almaty-visit-2022.md'), alongside: [], lang: 'en' },
    { name: 'dagoba', file: corpus('01-footnotes-aosa-dagoba', 'dagoba.md'), alongside: [], lang: 'en' },
    { name: 'sample', file: corpus('02-kitchen-sink-markdown-it', 'sample.md'), alongside: [], lang: 'en' },
    { name: 'aqyndar', file: corpus('05-kk-aqyndar', 'README.md'), alongside: [corpus('05-kk-aqyndar', 'public')], lang: 'kk' },
    { name: 'art-of-command-line', file: corpus('07-ru-art-of-command-line', 'README-ru.md'), alongside: [corpus('07-ru-art-of-command-line', 'cowsay.png')], lang: 'ru' },
    { name: 'commonmark-spec', file: corpus('11-large-commonmark-spec', 'spec.md'), alongside: [], lang: 'en' },
  ]
}

/** A generated article. */
export interface Article {
  /** Absolute path of its Markdown file. */
  file: string
  /** The document it copies. */
  template: string
  title: string
}

/**
 * Write `count` articles into `folder`, each in its own sub-folder with its
 * images, cycling through the templates; each copy gets its own title and
 * file name (hence slug). The project's glossary sits at the top, shared.
 */
export async function generate(folder: string, count: number, list: readonly Template[], glossary: string): Promise<Article[]> {
  await mkdir(folder, { recursive: true })
  await writeFile(path.join(folder, 'glossary.yaml'), await readFile(glossary))
  const texts = new Map<string, string>()
  for (const template of list) texts.set(template.name, await readFile(template.file, 'utf8'))
  const width = String(count).length
  const articles: Article[] = []
  for (let index = 0; index < count; index++) {
    const template = list[index % list.length] as Template
    const number = String(index + 1).padStart(Math.max(width, 4), '0')
    const name = `${number}-${template.name}`
    const dir = path.join(folder, name)
    await mkdir(dir, { recursive: true })
    const { text, title } = retitle(texts.get(template.name) ?? '', template, number)
    const file = path.join(dir, `${name}.md`)
    await writeFile(file, text)
    for (const item of template.alongside) await cp(item, path.join(dir, path.basename(item)), { recursive: true })
    articles.push({ file, template: template.name, title })
  }
  // The corpus is read-only, and so would its copies be: the temporary folder could not be removed.
  await makeWritable(folder)
  return articles
}

/**
 * The document with a title of its own: the front matter's (or the
 * MultiMarkdown) `title:` line changed, else front matter added.
 */
function retitle(text: string, template: Template, number: string): { text: string; title: string } {
  const yaml = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\r?\n/.exec(text)
  const titleLine = /^title:[ \t]*(.*)$/m
  const inFrontMatter = yaml?.[1] !== undefined && titleLine.test(yaml[1])
  const multiMarkdown = !yaml && /^title:/.test(text)
  if (inFrontMatter || multiMarkdown) {
    const original = (titleLine.exec(text)?.[1] ?? template.name).replace(/^["']|["']$/g, '')
    const title = `${original} (copy ${number})`
    const line = inFrontMatter ? `title: ${JSON.stringify(title)}` : `title: ${title}`
    return { text: text.replace(titleLine, () => line), title }
  }
  const title = `${template.name} (copy ${number})`
  return { text: `---\ntitle: ${JSON.stringify(title)}\nlang: ${template.lang}\n---\n\n${text}`, title }
}

async function makeWritable(folder: string): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    await chmod(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644).catch(() => undefined)
  }
}
