import { readFileSync } from 'node:fs';

/** Who a process (host pid) runs as, from /proc: real/effective/saved/fs ids, supplementary groups, capabilities. */
export interface Credentials {
  uid: number[];
  gid: number[];
  groups: number[];
  capEff: string;
}

export function credentialsOf(pid: number): Credentials {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => status.match(new RegExp(`^${name}:[ \\t]*(.*)$`, 'm'))?.[1]?.trim() ?? '';
  const numbers = (name: string) => field(name).split(/\s+/).filter(Boolean).map(Number);
  return { uid: numbers('Uid'), gid: numbers('Gid'), groups: numbers('Groups'), capEff: field('CapEff') };
}

export const NOBODY = 65534;
