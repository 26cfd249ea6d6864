export interface Scale {
  name: string;
  users: number;
  events: number;
  days: number;
  /** Events of the import-rate measurement. */
  importEvents: number;
}

export const scales: Record<'seed' | 'growth', Scale> = {
  seed: { name: 'seed', users: 5_000, events: 360_000, days: 30, importEvents: 100_000 },
  growth: { name: 'growth', users: 50_000, events: 10_000_000, days: 30, importEvents: 300_000 },
};

export function resolveScale(opts: {
  scale?: string;
  users?: number;
  events?: number;
  days?: number;
}): Scale {
  if (opts.scale === 'seed' || opts.scale === 'growth') return scales[opts.scale];
  if (!opts.users || !opts.events || !opts.days) {
    throw new Error('bench: give --scale seed|growth, or --users, --events and --days');
  }
  return {
    name: `custom-${opts.users}u-${opts.events}e-${opts.days}d`,
    users: opts.users,
    events: opts.events,
    days: opts.days,
    importEvents: Math.min(100_000, opts.events),
  };
}
