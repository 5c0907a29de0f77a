/**
 * Hydra's `serve.<listener>.host: unix:/path` (ory/x networkx.MakeListener): the listener takes
 * requests on a unix socket, whose owner, group and mode come from `serve.<listener>.socket`.
 * Access is then the file system's to grant, so a socket listener speaks plain HTTP and is not
 * subject to `allow_termination_from`, as in Hydra.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync } from 'node:fs';
import type { UnixSocketConfig } from '../core-service/shared/config.js';

const PREFIX = 'unix:';

/** The socket path of a `unix:/path` host, or undefined for a network host. */
export function socketPathOf(host: string): string | undefined {
  return host.startsWith(PREFIX) ? host.slice(PREFIX.length) : undefined;
}

/** A user or group id from a number or a name (through the system's name service, as Go's os/user). */
function idOf(database: 'passwd' | 'group', name: string): number {
  if (/^\d+$/.test(name)) return Number(name);
  let entry: string;
  try {
    entry = execFileSync('getent', [database, name], { encoding: 'utf8' });
  } catch {
    throw new Error(`serve socket: no ${database === 'passwd' ? 'user' : 'group'} named ${JSON.stringify(name)}`);
  }
  const id = Number(entry.split(':')[2]);
  if (!Number.isInteger(id)) throw new Error(`serve socket: cannot read the id of ${JSON.stringify(name)} from getent ${database}`);
  return id;
}

/** Applies owner, group and mode to a socket file just created (Hydra's UnixPermission.SetPermission). */
export function applySocketPermissions(path: string, socket: UnixSocketConfig): void {
  if (socket.owner !== '' || socket.group !== '') {
    chownSync(path, socket.owner === '' ? -1 : idOf('passwd', socket.owner), socket.group === '' ? -1 : idOf('group', socket.group));
  }
  chmodSync(path, socket.mode);
}
