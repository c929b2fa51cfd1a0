/** Environment variable naming the site's URL when `--site-url` is not given. */
export const siteUrlVariable = 'OFFPRINT_SITE_URL'

/**
 * The site's absolute URL, normalised to end in `/`: from `--site-url`,
 * else from `OFFPRINT_SITE_URL`, else undefined (links stay relative, no
 * sitemap). Throws a message for the user when it is not an http(s) URL.
 */
export function resolveSiteUrl(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = option ?? (env[siteUrlVariable] || undefined)
  if (given === undefined) return undefined
  const origin = option === undefined ? siteUrlVariable : '--site-url'
  let url: URL
  try {
    url = new URL(given)
  } catch {
    throw new Error(`Unexpected ${origin} \`${given}\`, expected an absolute http or https URL such as https://example.org/articles/`)
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new Error(`Unexpected ${origin} \`${given}\`, expected an http or https URL without query or fragment`)
  }
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`
  return url.href
}
