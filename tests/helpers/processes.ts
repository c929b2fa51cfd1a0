import { readdirSync, readFileSync } from 'node:fs'

/** What `/proc/<pid>/stat` says of one process. */
export interface ProcStat {
  parent: number
  /** Start time in ticks since boot: with the pid, it names the process (pids are reused). */
  start: string
  /** Its own user + system CPU, in ticks. */
  own: number
  /** User + system CPU of its children it has waited for, in ticks. */
  children: number
}

/** The fields of a `/proc/<pid>/stat` line after the command name (which may hold spaces and parentheses). */
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

/** Every process now, from `/proc/<pid>/stat`. */
export function processes(): Map<number, ProcStat> {
  const map = new Map<number, ProcStat>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      // Fields from the state on: ppid is the 2nd, utime, stime, cutime and cstime the 12th to 15th, starttime the 20th.
      const fields = statFields(readFileSync(`/proc/${name}/stat`, 'utf8'))
      map.set(Number(name), {
        parent: Number(fields[1]),
        start: fields[19] ?? '',
        own: Number(fields[11]) + Number(fields[12]),
        children: Number(fields[13]) + Number(fields[14]),
      })
    } catch {
      // The process ended meanwhile.
    }
  }
  return map
}

/** `root` (when `withRoot`) and all its descendants now. */
export function tree(all: Map<number, ProcStat>, root: number, withRoot: boolean): number[] {
  const children = new Map<number, number[]>()
  for (const [pid, { parent }] of all) children.set(parent, [...(children.get(parent) ?? []), pid])
  const pids: number[] = withRoot ? [root] : []
  const queue = [...(children.get(root) ?? [])]
  while (queue.length > 0) {
    const pid = queue.shift() as number
    pids.push(pid)
    queue.push(...(children.get(pid) ?? []))
  }
  return pids
}
