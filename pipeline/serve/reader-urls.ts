import { networkInterfaces } from 'node:os'
import { urlOf } from './http.ts'

/**
 * The catalog's URLs to type into an e-reader when serving on `host`: on
 * that address, or, for a wildcard address (`0.0.0.0`, `::`), on each of
 * this machine's network addresses (IPv4 first, as e-readers expect).
 */
export function readerUrls(host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`${urlOf(host, port)}opds.xml`]
  const addresses: string[] = []
  for (const list of Object.values(networkInterfaces())) {
    for (const address of list ?? []) {
      if (address.internal || (host === '0.0.0.0' && address.family !== 'IPv4') || address.address.startsWith('fe80:')) continue
      addresses.push(address.address)
    }
  }
  addresses.sort((a, b) => Number(a.includes(':')) - Number(b.includes(':')) || a.localeCompare(b))
  const urls = addresses.map((address) => `${urlOf(address, port)}opds.xml`)
  return urls.length > 0 ? urls : [`${urlOf(host, port)}opds.xml`]
}
