/**
 * The database a MongoDB connection string names, for the MongoDB stores. By hand, not with `new URL`: a seed
 * list with ports (`mongodb://a:27017,b:27017/db`) is a valid connection string but no WHATWG URL.
 */
export const mongoDatabase = (url: string, fallback = 'swarm_dashboard'): string => {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/.exec(url)?.[1];
  return path ? decodeURIComponent(path) : fallback;
};
