import { queryOptions, useQueries } from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import type { components } from '#/api/schema';

export type Media = components['schemas']['Media'];
export type MediaVariant = Media['variants'][number];

/** How often a photo being processed is asked about: processing takes a second or two. */
export const MEDIA_POLL_MS = 1000;

export const mediaKeys = {
  all: ['media'] as const,
  detail: (id: string) => [...mediaKeys.all, id] as const,
};

/** Ready and failed are final: nothing changes a media after either. */
export function isSettled(media: Media | undefined): boolean {
  return media?.status === 'ready' || media?.status === 'failed';
}

/**
 * One of your media, asked for again every second until it is ready or failed. `initial` is
 * what the upload answered, so the tile has a status before the first poll.
 */
export function mediaQuery(id: string, initial?: Media) {
  return queryOptions({
    queryKey: mediaKeys.detail(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/media/{id}', { params: { path: { id } }, signal })),
    initialData: initial,
    // The answer the upload gave is already a second old by the time anyone looks.
    initialDataUpdatedAt: 0,
    staleTime: (query) => (isSettled(query.state.data) ? Infinity : 0),
    refetchInterval: (query) => (isSettled(query.state.data) ? false : MEDIA_POLL_MS),
  });
}

/** Several media at once, each polled until settled; the answers in the same order as `ids`. */
export function useMediaQueries(items: readonly { id: string; initial?: Media | undefined }[]) {
  return useQueries({
    queries: items.map(({ id, initial }) => mediaQuery(id, initial)),
  });
}
