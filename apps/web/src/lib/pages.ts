/**
 * The items of every page loaded so far, in order, each once. Cursors keep a list from
 * repeating itself, but a ranking that changes between pages (Explore) can still move an item
 * from one page to the next: shown twice, it would also break React's keys.
 */
export function itemsOf<T extends { id: string }>(pages: readonly { items: readonly T[] }[]): T[] {
  const seen = new Set<string>();
  const items: T[] = [];
  for (const page of pages) {
    for (const item of page.items) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      items.push(item);
    }
  }
  return items;
}
