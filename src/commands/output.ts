import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on standard error, shown only when it is a terminal. */
export function progressBar(total: number, unit: string): SingleBar | undefined {
  if (!process.stderr.isTTY || total < 2) return undefined;
  const bar = new SingleBar(
    { format: `{bar} {value}/{total} ${unit} | {eta_formatted} left | {label}`, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0, { label: '' });
  return bar;
}

/** Logs for a command: one line each, figures as key=value, on standard error. */
export const commandLog = {
  info(fields: object, message: string) {
    if (process.stderr.isTTY) return;
    console.error(`${message} ${formatFields(fields)}`);
  },
  error(fields: object, message: string) {
    console.error(`${message} ${formatFields(fields)}`);
  },
};

function formatFields(fields: object): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${v instanceof Error ? v.message : String(v)}`)
    .join(' ');
}
