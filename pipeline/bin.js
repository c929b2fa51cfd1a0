#!/usr/bin/env node
// Entry for `npx offprint`: registers tsx's loader, then runs the TypeScript CLI.
import { register } from 'tsx/esm/api'
register()
await import('./cli.ts')
