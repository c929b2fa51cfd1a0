// The layer rule of DESIGN.md: folders are layers and imports go only downward,
// in this order. `npx depcruise pipeline` (run by `make test`) fails on a
// violation, an import of another edition's folder, or a circle.
const layers = ['cli', 'serve', 'build', 'editions', 'source', 'plugins', 'glossary', 'common']

const upward = layers.map((layer, index) => ({
  name: `layer-${layer}`,
  comment: `pipeline/${layer}/ may import only the layers below it: ${layers.slice(index + 1).join(', ') || 'none'}`,
  severity: 'error',
  from: { path: `^pipeline/${layer}/` },
  to: { path: `^pipeline/(${layers.slice(0, index).join('|') || '$^'})/` },
}))

const editions = ['html', 'pdf', 'epub']
const crossEdition = editions.map((edition) => ({
  name: `edition-${edition}-alone`,
  comment: `an edition never reaches into another edition's folder: the build passes results along`,
  severity: 'error',
  from: { path: `^pipeline/editions/${edition}/` },
  to: { path: `^pipeline/editions/(${editions.filter((other) => other !== edition).join('|')})/` },
}))

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...upward,
    ...crossEdition,
    {
      name: 'shared-editions-below-each-edition',
      comment: 'the shared edition modules (the contract, browser, title block) import no single edition',
      severity: 'error',
      from: { path: '^pipeline/editions/[^/]+\\.ts$' },
      to: { path: '^pipeline/editions/(html|pdf|epub)/' },
    },
    {
      name: 'no-circular',
      comment: 'a circle of imports hides which module is the lower one',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-tests-in-code',
      severity: 'error',
      from: { path: '^pipeline/' },
      to: { path: '^tests/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'] },
  },
}
