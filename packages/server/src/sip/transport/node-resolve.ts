/** Resolves a trunk's host name to an address with the system resolver (`node:dns`); addresses pass through. */
import { lookup } from 'node:dns/promises';

const IP = /^(\d{1,3}\.){3}\d{1,3}$|:/;

export async function resolveSipHost(host: string): Promise<string | null> {
  if (IP.test(host)) return host;
  try {
    return (await lookup(host)).address;
  } catch {
    return null;
  }
}
