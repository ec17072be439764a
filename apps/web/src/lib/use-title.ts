import { useEffect } from 'react';

/** Names the tab after the screen: "Ana (@ana) • Glimpse". */
export function useTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} • Glimpse` : 'Glimpse';
  }, [title]);
}
