import { keepPreviousData, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '#/api/client';
import type { components } from '#/api/schema';

export type CreatorAnalytics = components['schemas']['CreatorAnalytics'];
export type DailyFigures = components['schemas']['DailyFigures'];
export type AnalyticsTotals = components['schemas']['AnalyticsTotals'];
export type TopPost = components['schemas']['TopPost'];

export const analyticsKeys = {
  all: ['analytics'] as const,
  me: (days: number) => [...analyticsKeys.all, 'me', days] as const,
  post: (id: string) => [...analyticsKeys.all, 'post', id] as const,
};

/**
 * The signed-in person's reach over the last `days` days. Switching the period keeps the
 * previous figures on screen until the new ones arrive.
 */
export function useMyAnalyticsQuery(days: number) {
  return useQuery({
    queryKey: analyticsKeys.me(days),
    queryFn: ({ signal }) => unwrap(api.GET('/api/analytics/me', { params: { query: { days } }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** One of the viewer's own posts: its totals since it was published (403 for anyone else's). */
export function usePostAnalyticsQuery(id: string, enabled: boolean) {
  return useQuery({
    queryKey: analyticsKeys.post(id),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/analytics/posts/{id}', { params: { path: { id } }, signal })),
    enabled,
  });
}
