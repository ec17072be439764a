import { useCallback, useState, type RefCallback } from 'react';

/**
 * The width of an element, followed as it resizes: charts draw in real pixels, so their
 * labels stay readable at every size instead of being scaled with the drawing.
 */
export function useElementWidth<T extends Element>(initial: number): [RefCallback<T>, number] {
  const [width, setWidth] = useState(initial);
  const ref = useCallback(
    (element: T | null) => {
      if (!element) return undefined;
      setWidth(element.getBoundingClientRect().width || initial);
      if (typeof ResizeObserver === 'undefined') return undefined;
      const observer = new ResizeObserver(([entry]) => {
        if (entry && entry.contentRect.width > 0) setWidth(entry.contentRect.width);
      });
      observer.observe(element);
      return () => observer.disconnect();
    },
    [initial],
  );
  return [ref, width];
}
