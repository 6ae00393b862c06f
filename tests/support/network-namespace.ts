/**
 * A network namespace joined to this host by a veth pair on a /30 of its
 * own: a stand-in for "another machine" that the test creates and removes.
 * Needs root (CI runs as root). Nothing but the two veth ends is routed.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

export interface NetworkNamespace {
  name: string;
  /** The host's end, reachable from inside the namespace. */
  hostAddress: string;
  /** The namespace's own end. */
  namespaceAddress: string;
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

export function canCreateNamespaces(): boolean {
  return process.getuid?.() === 0;
}

export function createNetworkNamespace(): NetworkNamespace {
  const id = randomInt(1, 250);
  const suffix = `${process.pid % 1000}${id}`;
  const name = `nyxns${suffix}`;
  const hostIf = `nyxh${suffix}`;
  const nsIf = `nyxn${suffix}`;
  const subnet = `10.213.${id}`;
  const hostAddress = `${subnet}.1`;
  const namespaceAddress = `${subnet}.2`;
  ip('netns', 'add', name);
  try {
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', name);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${namespaceAddress}/30`, 'dev', nsIf);
    ip('netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    ip('netns', 'del', name);
    throw error;
  }
  return {
    name,
    hostAddress,
    namespaceAddress,
    remove() {
      // Deleting the namespace deletes the veth pair with it.
      try {
        ip('netns', 'del', name);
      } catch {
        /* already gone */
      }
    },
  };
}
