// The unused-code check of `make test`: files, exports and dependencies that
// nothing uses. Entries are the CLI, the worker and the tests; what is found
// only at run time by path is named below, each with its reason.
const config = {
  entry: ['pipeline/build/worker.js', 'pipeline/build/worker-task.ts', 'scripts/bundle.mjs', 'tests/**/*.test.ts', 'tests/bench/run.ts'],
  project: ['pipeline/**/*.{ts,js}', 'tests/**/*.ts', 'scripts/**/*.mjs'],
  ignoreExportsUsedInFile: true,
  ignoreDependencies: [
    // Font files, found by their package folders (editions/pdf/render.ts) and embedded in the PDF and EPUB.
    '@fontsource/noto-sans-mono',
    '@fontsource/noto-serif',
    // Hyphenation patterns, required by language name at run time (editions/pdf/hyphenate.ts).
    'hyphen',
    // Read from node_modules by path and injected into pages (tests/helpers/a11y.ts).
    'axe-core',
    '@daisy/ace-cli',
  ],
  // Installed by `make bench` with apt-get, not by npm.
  ignoreBinaries: ['pandoc'],
}

export default config
