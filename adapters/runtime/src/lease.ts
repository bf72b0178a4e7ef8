import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@dictamesh/db';

/**
 * Leases on adapter registrations, so that with several adapter runtime processes on one database each
 * adapter runs in exactly one of them (a sync, a replication slot, a source's rate limit are
 * not shareable). A lease is a row's `lease_owner` + `lease_expires_at`: taken when free,
 * expired or already ours, renewed by its owner well before it expires, released on pause or
 * shutdown. An owner that dies without releasing loses the lease after `durationMs`. Expiry
 * uses each process's clock: keep instance clocks in sync (NTP) to well under `durationMs`.
 */
export class AdapterLeases {
  /** This process's owner id: `<host>:<pid>:<random>`. */
  readonly owner: string;

  constructor(
    private readonly prisma: PrismaClient,
    /** How long a lease lasts without renewal, ms. */
    readonly durationMs: number,
    owner?: string,
    /** Clock of expiry, ms since epoch. */
    readonly now: () => number = Date.now,
  ) {
    this.owner = owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** Takes (or extends) the lease of a registration that is not paused. @returns whether we hold it now */
  async acquire(id: string): Promise<boolean> {
    const now = new Date(this.now());
    const { count } = await this.prisma.adapterRegistration.updateMany({
      where: {
        id,
        paused: false,
        OR: [{ leaseOwner: null }, { leaseOwner: this.owner }, { leaseExpiresAt: { lt: now } }],
      },
      data: { leaseOwner: this.owner, leaseExpiresAt: new Date(now.getTime() + this.durationMs) },
    });
    return count === 1;
  }

  /** Extends the leases we hold among `ids`. @returns the ids whose lease we still hold */
  async renew(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    await this.prisma.adapterRegistration.updateMany({
      where: { id: { in: [...ids] }, leaseOwner: this.owner },
      data: { leaseExpiresAt: new Date(this.now() + this.durationMs) },
    });
    const held = await this.prisma.adapterRegistration.findMany({
      where: { id: { in: [...ids] }, leaseOwner: this.owner },
      select: { id: true },
    });
    return new Set(held.map((r) => r.id));
  }

  /** Gives up our lease of one registration, or of all of them. */
  async release(id?: string): Promise<void> {
    await this.prisma.adapterRegistration.updateMany({
      where: { leaseOwner: this.owner, ...(id === undefined ? {} : { id }) },
      data: { leaseOwner: null, leaseExpiresAt: null },
    });
  }
}
