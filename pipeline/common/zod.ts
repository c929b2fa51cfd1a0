import { config } from 'zod/mini'
import en from 'zod/v4/locales/en.js'

// The schemas' zod, `zod/mini`: full zod's checks and messages at a fraction
// of its load time. Unlike full zod it sets no locale of its own; English
// makes its messages full zod's, word for word ("Invalid input: expected
// string, received number"). Nor does it install full zod's memoizer, which
// only recursive schemas need; none of ours is. Import it as a namespace,
// `import * as z`: the bundler then keeps only what is used (`import { z }`
// would keep the whole library, every locale included).
config(en())

export * from 'zod/mini'
