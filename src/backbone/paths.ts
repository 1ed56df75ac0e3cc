import path from 'node:path';

/** True when `child` is `parent` or lies below it (the agent never writes under a Backbone root). */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
