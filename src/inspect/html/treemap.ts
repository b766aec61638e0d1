/**
 * The squarified treemap layout (Bruls, Huizing, van Wijk 2000): values become
 * rectangles whose areas are proportional to them and whose sides stay close to
 * square, laid out row by row along the shorter side of what is left.
 */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Placed<T> {
  item: T;
  box: Box;
}

/** Lays out the items with a positive value inside `box`, largest first. */
export function squarify<T extends { value: number }>(items: readonly T[], box: Box): Placed<T>[] {
  const sorted = items.filter((i) => i.value > 0).sort((a, b) => b.value - a.value);
  const total = sorted.reduce((n, i) => n + i.value, 0);
  if (total <= 0 || box.w <= 0 || box.h <= 0) return [];
  const scale = (box.w * box.h) / total;
  const out: Placed<T>[] = [];
  const rest = { ...box };
  let row: T[] = [];
  for (const item of sorted) {
    const side = Math.min(rest.w, rest.h);
    if (row.length === 0 || worst([...row, item], side, scale) <= worst(row, side, scale)) {
      row.push(item);
    } else {
      placeRow(row, rest, scale, out);
      row = [item];
    }
  }
  if (row.length) placeRow(row, rest, scale, out);
  return out;
}

/** The worst aspect ratio of a row laid along a side of length `side`. */
function worst<T extends { value: number }>(row: readonly T[], side: number, scale: number): number {
  const areas = row.map((i) => i.value * scale);
  const sum = areas.reduce((n, a) => n + a, 0);
  const max = Math.max(...areas);
  const min = Math.min(...areas);
  return Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
}

/** Places a row along the shorter side of `rest` and shrinks `rest` by it. */
function placeRow<T extends { value: number }>(row: readonly T[], rest: Box, scale: number, out: Placed<T>[]): void {
  const sum = row.reduce((n, i) => n + i.value * scale, 0);
  if (rest.w >= rest.h) {
    // A column on the left.
    const w = Math.min(rest.w, sum / rest.h);
    let y = rest.y;
    for (const item of row) {
      const h = (item.value * scale) / w;
      out.push({ item, box: { x: rest.x, y, w, h } });
      y += h;
    }
    rest.x += w;
    rest.w -= w;
  } else {
    // A row along the top.
    const h = Math.min(rest.h, sum / rest.w);
    let x = rest.x;
    for (const item of row) {
      const w = (item.value * scale) / h;
      out.push({ item, box: { x, y: rest.y, w, h } });
      x += w;
    }
    rest.y += h;
    rest.h -= h;
  }
}
