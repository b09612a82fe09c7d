/**
 * Concurrent identical reads share engine calls: a hundred users opening the services page at once
 * cost the engine one or two `GET /services?status=true`. Every answer still comes from a call that
 * started after the request arrived (a request that finds a call under way waits for the next one),
 * so a user always sees their own earlier writes. Nothing is cached after a call returns.
 */
import type { Swarm } from './swarm.ts';

export function shared<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const call = read().finally(() => {
      if (running === call) running = undefined;
    });
    running = call;
    return call;
  };
  return () => {
    if (!running) return start();
    // NOTE: the call under way may have started before this request; join the one after it instead.
    next ??= running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      next = undefined;
      return start();
    });
    return next;
  };
}

export function withSharedReads(swarm: Swarm): Swarm {
  const listAll = shared(() => swarm.listServices());
  // Only the whole list is shared; a narrowed read goes straight to the engine.
  const listServices: Swarm['listServices'] = (filter) => (filter?.ids ? swarm.listServices(filter) : listAll());
  const listNodes = shared(() => swarm.listNodes());
  const listNetworks = shared(() => swarm.listNetworks());
  return Object.assign(Object.create(swarm) as Swarm, {
    listServices,
    listNodes,
    listNetworks,
    inspectVolume: swarm.inspectVolume.bind(swarm),
    inspectService: swarm.inspectService.bind(swarm),
    createService: swarm.createService.bind(swarm),
    updateService: swarm.updateService.bind(swarm),
    rollbackService: swarm.rollbackService.bind(swarm),
    removeService: swarm.removeService.bind(swarm),
    serviceLogs: swarm.serviceLogs.bind(swarm),
    followServiceLogs: swarm.followServiceLogs.bind(swarm),
    listTasks: swarm.listTasks.bind(swarm),
    updateNode: swarm.updateNode.bind(swarm),
    ping: swarm.ping.bind(swarm),
  });
}
