/**
 * A TCP proxy a test puts between two programs (core and its database, the gateway and core) to
 * simulate outages without stopping the shared database servers:
 *   cut()        drops every connection and refuses new ones (a database that is down);
 *   blackhole()  keeps every socket open and forwards nothing, on open and on new connections
 *                (a partition, or a middlebox that lost its state: no error, only silence);
 *   restore()    forwards new connections again; blackholed sockets stay open and silent;
 *   retarget()   sends new connections elsewhere while open ones stay where they are (a load
 *                balancer taking a backend out of rotation).
 */
import { connect, createServer, type Socket } from 'node:net';
import { parseDsn } from '../../core-service/storage/dsn.js';

export interface TcpProxy {
  port: number;
  cut(): void;
  blackhole(): void;
  restore(): void;
  retarget(port: number, host?: string): void;
  /** Connections accepted so far. */
  connections(): number;
  /** When each connection was accepted (Date.now()), refused ones included. */
  acceptedAt(): readonly number[];
  close(): Promise<void>;
}

interface Pair {
  incoming: Socket;
  outgoing: Socket;
}

/** Stops forwarding in both directions; bytes that arrive are read and dropped, so no side sees an error. */
function silence({ incoming, outgoing }: Pair): void {
  incoming.unpipe(outgoing);
  outgoing.unpipe(incoming);
  for (const s of [incoming, outgoing]) {
    s.removeAllListeners('data');
    s.on('data', () => undefined);
    s.resume();
  }
}

/** Starts a loopback proxy to `host:port`. */
export async function startTcpProxy(host: string, port: number): Promise<TcpProxy> {
  let mode: 'forward' | 'refuse' | 'blackhole' = 'forward';
  let target = { host, port };
  const acceptedAt: number[] = [];
  const sockets = new Set<Socket>();
  const pairs = new Set<Pair>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const server = createServer((incoming) => {
    acceptedAt.push(Date.now());
    if (mode === 'refuse') {
      incoming.destroy();
      return;
    }
    track(incoming);
    if (mode === 'blackhole') {
      incoming.on('data', () => undefined);
      return;
    }
    const outgoing = connect(target.port, target.host);
    track(outgoing);
    const pair = { incoming, outgoing };
    pairs.add(pair);
    incoming.pipe(outgoing);
    outgoing.pipe(incoming);
    incoming.on('close', () => {
      outgoing.destroy();
      pairs.delete(pair);
    });
    outgoing.on('close', () => incoming.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy did not bind');
  return {
    port: address.port,
    cut() {
      mode = 'refuse';
      for (const s of sockets) s.destroy();
    },
    blackhole() {
      mode = 'blackhole';
      for (const pair of pairs) silence(pair);
      pairs.clear();
    },
    restore() {
      mode = 'forward';
    },
    retarget(newPort, newHost = host) {
      target = { host: newHost, port: newPort };
    },
    connections: () => acceptedAt.length,
    acceptedAt: () => acceptedAt,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The same DSN with its host:port replaced by the proxy's loopback port. */
export function throughProxy(dsn: string, proxyPort: number): string {
  const target = parseDsn(dsn);
  return dsn.replace(`${target.host ?? ''}:${target.port ?? ''}`, `127.0.0.1:${proxyPort}`);
}

/** A proxy in front of the database server a DSN names. */
export function proxyFor(dsn: string): Promise<TcpProxy> {
  const target = parseDsn(dsn);
  return startTcpProxy(target.host ?? '127.0.0.1', target.port ?? 0);
}
