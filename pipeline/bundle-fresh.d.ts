/** Whether the compiled CLI `bundle` exists and is newer than every file under `sourceDir`. */
export function bundleIsFresh(bundle: string, sourceDir: string): boolean
