import { useCallback, useEffect, useReducer, useRef } from 'react';

import { errorMessage, isRetryable } from '#/api/problem';
import { newIdempotencyKey } from '#/lib/idempotency-key';
import { uploadPhoto, type DirectUpload, type UploadKeys } from '#/state/mutations/media';
import type { Media } from '#/state/queries/media';

/** Instagram's limit, and the server's: a post holds 1 to 10 photos. */
export const MAX_PHOTOS = 10;
/** Files sent at once; the rest wait their turn (phones on mobile data thank us). */
const CONCURRENT_UPLOADS = 3;

/**
 * queued -> sending (reserve, PUT with progress) -> completing -> uploaded (the server has the
 * bytes; processing is followed through GET /api/media/{id}); or failed on the way.
 */
export type DraftStage = 'queued' | 'sending' | 'completing' | 'uploaded' | 'failed';

export interface Draft {
  /** Local id, for React keys and actions. */
  key: string;
  file: File;
  /** An object URL for a preview, when the browser can show this type itself. */
  previewUrl: string | undefined;
  stage: DraftStage;
  /** 0 to 1: the share of bytes sent. */
  progress: number;
  reservation: DirectUpload | undefined;
  /** What complete answered: the media, processing. */
  media: Media | undefined;
  /** Why it failed, in words (the server's `detail` for a refused file). */
  error: string | undefined;
  /** Whether trying again may help (network, 5xx), rather than a refusal (413, 415). */
  retryable: boolean;
  keys: UploadKeys;
}

type Action =
  | { type: 'add'; drafts: Draft[] }
  | { type: 'remove'; key: string }
  | { type: 'move'; key: string; offset: number }
  | { type: 'update'; key: string; change: Partial<Draft> };

function reducer(drafts: readonly Draft[], action: Action): readonly Draft[] {
  switch (action.type) {
    case 'add':
      return [...drafts, ...action.drafts];
    case 'remove':
      return drafts.filter((draft) => draft.key !== action.key);
    case 'move': {
      const from = drafts.findIndex((draft) => draft.key === action.key);
      const to = from + action.offset;
      const moved = drafts[from];
      if (from < 0 || to < 0 || to >= drafts.length || !moved) return drafts;
      const next = drafts.filter((draft) => draft.key !== action.key);
      next.splice(to, 0, moved);
      return next;
    }
    case 'update':
      return drafts.map((draft) => (draft.key === action.key ? { ...draft, ...action.change } : draft));
  }
}

// Chromium, Firefox and Safari all preview these; HEIC/HEIF and TIFF only in some.
const PREVIEWABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif']);

function draftOf(file: File): Draft {
  return {
    key: newIdempotencyKey(),
    file,
    previewUrl: PREVIEWABLE.has(file.type) ? URL.createObjectURL(file) : undefined,
    stage: 'queued',
    progress: 0,
    reservation: undefined,
    media: undefined,
    error: undefined,
    retryable: false,
    keys: { reserve: newIdempotencyKey(), put: newIdempotencyKey(), complete: newIdempotencyKey() },
  };
}

export interface UploadQueue {
  drafts: readonly Draft[];
  /** Adds files (as many as fit under MAX_PHOTOS) and starts sending them; returns how many were left out. */
  add: (files: readonly File[]) => number;
  remove: (key: string) => void;
  retry: (key: string) => void;
  move: (key: string, offset: number) => void;
}

/**
 * The photos of a post being composed, each uploaded the moment it is chosen (direct upload:
 * reserve, PUT with progress, complete), a few at a time. Removing a photo cancels its upload;
 * leaving the screen cancels them all and frees the previews.
 */
export function useUploadQueue(): UploadQueue {
  const [drafts, dispatch] = useReducer(reducer, []);
  const latest = useRef(drafts);
  const running = useRef(new Map<string, AbortController>());

  useEffect(() => {
    latest.current = drafts;
  });

  const start = useCallback((draft: Draft) => {
    const controller = new AbortController();
    running.current.set(draft.key, controller);
    const update = (change: Partial<Draft>) => dispatch({ type: 'update', key: draft.key, change });
    update({ stage: 'sending', error: undefined, retryable: false });
    uploadPhoto(
      draft.file,
      draft.keys,
      draft.reservation,
      {
        onReserved: (reservation) => update({ reservation }),
        onProgress: (progress) => update({ progress }),
        onSent: () => update({ stage: 'completing', progress: 1 }),
      },
      controller.signal,
    )
      .then((media) => update({ stage: 'uploaded', progress: 1, media }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        update({ stage: 'failed', error: errorMessage(error), retryable: isRetryable(error) });
      })
      .finally(() => {
        if (running.current.get(draft.key) === controller) running.current.delete(draft.key);
      });
  }, []);

  // Start queued files whenever a slot is free.
  useEffect(() => {
    let free =
      CONCURRENT_UPLOADS - drafts.filter((d) => d.stage === 'sending' || d.stage === 'completing').length;
    for (const draft of drafts) {
      if (free <= 0) break;
      if (draft.stage !== 'queued' || running.current.has(draft.key)) continue;
      start(draft);
      free -= 1;
    }
  }, [drafts, start]);

  // Leaving the screen: stop sending, free the previews.
  useEffect(() => {
    const controllers = running.current;
    return () => {
      for (const controller of controllers.values()) controller.abort();
      controllers.clear();
      for (const draft of latest.current) if (draft.previewUrl) URL.revokeObjectURL(draft.previewUrl);
    };
  }, []);

  const add = useCallback((files: readonly File[]) => {
    const room = Math.max(0, MAX_PHOTOS - latest.current.length);
    const taken = files.slice(0, room).map(draftOf);
    if (taken.length > 0) {
      dispatch({ type: 'add', drafts: taken });
      // A second drop before the next render must see these already.
      latest.current = [...latest.current, ...taken];
    }
    return files.length - taken.length;
  }, []);

  const remove = useCallback((key: string) => {
    running.current.get(key)?.abort();
    running.current.delete(key);
    const draft = latest.current.find((d) => d.key === key);
    if (draft?.previewUrl) URL.revokeObjectURL(draft.previewUrl);
    dispatch({ type: 'remove', key });
  }, []);

  const retry = useCallback((key: string) => {
    // Back in the queue: the effect above picks it up when a slot is free, with its keys and
    // reservation, so a request that did reach the server is not repeated.
    dispatch({ type: 'update', key, change: { stage: 'queued', error: undefined, progress: 0 } });
  }, []);

  const move = useCallback((key: string, offset: number) => dispatch({ type: 'move', key, offset }), []);

  return { drafts, add, remove, retry, move };
}
