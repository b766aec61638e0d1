/**
 * Go major releases and the dates they shipped. Each release is supported until two
 * newer ones exist (https://go.dev/doc/devel/release#policy). Releases after the
 * table's date are projected from Go's February/August cadence with a month's
 * margin, so a stale table errs towards calling a version still supported.
 */
export const GO_RELEASES_UPDATED = '2025-08-12';

export const GO_RELEASES: ReadonlyArray<{ minor: number; date: string }> = [
  { minor: 11, date: '2018-08-24' },
  { minor: 12, date: '2019-02-25' },
  { minor: 13, date: '2019-09-03' },
  { minor: 14, date: '2020-02-25' },
  { minor: 15, date: '2020-08-11' },
  { minor: 16, date: '2021-02-16' },
  { minor: 17, date: '2021-08-16' },
  { minor: 18, date: '2022-03-15' },
  { minor: 19, date: '2022-08-02' },
  { minor: 20, date: '2023-02-01' },
  { minor: 21, date: '2023-08-08' },
  { minor: 22, date: '2024-02-06' },
  { minor: 23, date: '2024-08-13' },
  { minor: 24, date: '2025-02-11' },
  { minor: 25, date: '2025-08-12' },
];

/** `go1.23.5`, `go1.21rc2`, `go1.24.0-X:boringcrypto` -> { major: 1, minor: 23 }. */
export function parseGoVersion(v: string): { major: number; minor: number; patch: number } | undefined {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/** The date a minor release shipped: from the table, else projected (six months apart, plus a month's margin). */
export function releaseDate(minor: number): { date: string; projected: boolean } {
  const known = GO_RELEASES.find((r) => r.minor === minor);
  if (known) return { date: known.date, projected: false };
  const last = GO_RELEASES[GO_RELEASES.length - 1] as { minor: number; date: string };
  const months = (minor - last.minor) * 6 + 1;
  const d = new Date(last.date + 'T00:00:00Z');
  d.setUTCMonth(d.getUTCMonth() + months);
  return { date: d.toISOString().slice(0, 10), projected: true };
}

/**
 * When support for `go1.<minor>` ended (the day go1.<minor+2> shipped), or undefined
 * while it is still supported on `today`.
 */
export function supportEnded(minor: number, today: Date = new Date()): { date: string; projected: boolean } | undefined {
  const end = releaseDate(minor + 2);
  return new Date(end.date + 'T00:00:00Z') <= today ? end : undefined;
}
