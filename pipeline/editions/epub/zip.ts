import { EPub, type Chapter, type Options } from 'epub-gen-memory'
import { zipArchive } from './zip-archive.ts'

/** A file the package carries besides what epub-gen-memory writes itself (images). */
export interface PackagedResource {
  /** Manifest id. */
  id: string
  /** ASCII path inside the package folder (`OEBPS/`). */
  href: string
  mediaType: string
  data: Uint8Array
}

/** A content document: epub-gen-memory's chapter plus what our templates read. */
export interface ContentDocument extends Chapter {
  /** Manifest id. */
  id: string
  filename: string
  title: string
  /** Manifest properties, e.g. `glossary`. */
  properties?: string
  /** The serialized `<body>`, well-formed XHTML, inserted as is by the chapter template. */
  body: string
  /** Always empty: epub-gen-memory's own HTML clean-up would damage the body (see `zipEpub`). */
  content: ''
}

/** What the package needs besides epub-gen-memory's own options. */
export interface PackInput {
  /** epub-gen-memory options, templates included; extra keys reach the templates. */
  options: Options & Record<string, unknown>
  documents: ContentDocument[]
  /** `dc:identifier`, also the NCX `dtb:uid`. */
  identifier: string
  resources: PackagedResource[]
  /** Modification time written for every zip entry, in seconds since the epoch. */
  epoch: number
}

/**
 * Files whose data is compressed already, by extension: stored as they are,
 * since DEFLATE gains little on them and costs much (the cover's PNG: 0.1–0.2 s
 * of pako at level 9 in a fresh worker, measured).
 */
const compressed = /\.(?:png|jpe?g|gif|webp|avif|woff2?)$/i

/** The earliest time a zip entry can carry (the DOS date format starts in 1980). */
const zipEpochFloor = Date.UTC(1980, 0, 1, 0, 0, 0) / 1000

/**
 * epub-gen-memory with its measured non-determinism and network access
 * removed, through its own extension points (protected members):
 * - the identifier is ours, not `Math.random()`;
 * - images are the files we give, never fetched (`downloadAllImages`), and no
 *   fonts are downloaded;
 * - the archive is written by `zipArchive` (zlib), every entry at the
 *   build's time instead of `new Date()`, images and fonts already compressed
 *   stored, not deflated again.
 * Everything else (the `mimetype` entry first, `container.xml`, the templates
 * rendered with EJS, the cover) is the package's.
 */
class OffprintEPub extends EPub {
  readonly #resources: PackagedResource[]
  readonly #date: Date

  constructor(input: PackInput) {
    super(input.options, input.documents)
    this.uuid = input.identifier
    this.#resources = input.resources
    this.#date = new Date(Math.max(zipEpochFloor, Math.floor(input.epoch)) * 1000)
  }

  protected override async downloadAllFonts(): Promise<void> {}

  protected override async downloadAllImages(): Promise<void> {
    const folder = this.zip.folder('OEBPS')
    if (!folder) throw new Error('Unexpected missing `OEBPS` folder in the package, expected epub-gen-memory to make it')
    for (const resource of this.#resources) folder.file(resource.href, resource.data, { binary: true })
  }

  /** Render, then zip what epub-gen-memory put in its JSZip folder tree, in its order (`mimetype` first), at the build's time. */
  async pack(): Promise<Uint8Array> {
    await this.render()
    const entries = await Promise.all(
      Object.values(this.zip.files).map(async (entry) => ({
        name: entry.name,
        data: entry.dir ? new Uint8Array() : await entry.async('uint8array'),
        store: entry.options.compression === 'STORE' || compressed.test(entry.name),
      })),
    )
    return zipArchive(entries, this.#date)
  }
}

/** Build the `.epub` archive. */
export function zipEpub(input: PackInput): Promise<Uint8Array> {
  return new OffprintEPub(input).pack()
}
