/** The build's settings: the editions, paper sizes, and the options of one build with their defaults. */
/** Paper sizes the PDF edition knows. */
export const paperSizes = ['A4', 'Letter'] as const

export const editionNames = ['html', 'pdf', 'epub'] as const
export type EditionName = (typeof editionNames)[number]

/** Options of one build. */
export interface BuildOptions {
  /** Files or folders to build; default `['source']`. */
  paths: string[]
  /** Output folder; default `dist`. */
  out: string
  /** Editions to write; default all three. */
  editions: EditionName[]
  /** Paper size when the front matter names none; default `A4`. */
  paper: (typeof paperSizes)[number]
  /** Pages rendered in parallel by the one browser; default 2. */
  jobs: number
}

export const defaultBuildOptions: BuildOptions = {
  paths: ['source'],
  out: 'dist',
  editions: [...editionNames],
  paper: 'A4',
  jobs: 2,
}
