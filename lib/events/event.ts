/** The contract's Event. `timeNano` is a decimal string; `id` is stable across producers and redeliveries. */
export interface Event {
  id: string;
  time: string;
  timeNano: string;
  type: string;
  action: string;
  actor: { id: string; attributes: Record<string, string> };
  scope: 'local' | 'swarm' | 'audit';
  node?: string;
}
