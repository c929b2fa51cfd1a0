/** Build time in seconds: `SOURCE_DATE_EPOCH` when set, else the article's date, else 0. */
export function epochOf(date: string | undefined): number {
  const fromEnv = process.env.SOURCE_DATE_EPOCH
  if (fromEnv && /^\d+$/.test(fromEnv)) return Number(fromEnv)
  return date ? Date.parse(`${date}T00:00:00Z`) / 1000 : 0
}
